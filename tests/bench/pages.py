"""The pages `make bench` drives, in the order it prints them: two baselines, the main pages signed
in (tests/bench/inprocess.py finds their URLs), the public portal without a login, then the API's
reads with a token; then the hostile files of its attack section."""

TRIVIAL, LOGIN = "trivial view", "login page"
BASELINES = [TRIVIAL, LOGIN]
SIGNED_IN_PAGES = [
    "dashboard",
    "figures",
    "unit figures",
    "targets",
    "run",
    "runs",
    "documents",
    "disposisi inbox",
    "disposisi",
    "SOP list",
    "SOP page",
]
# The miss path also times the unit page of the current quarter with its inputs, as the staff open
# it to enter figures (the bench's "unit figures" is a quarter that is over, read without inputs):
# the page the writes go through, so every time it is opened it follows a write.
ENTRY_PAGE = "unit figures, entering"
MISS_PATH_PAGES = [*SIGNED_IN_PAGES, ENTRY_PAGE]
# Issue 20: the public portal, read as its visitors read it: without a login.
PUBLIC_PAGES = ["portal offices", "portal office year", "portal summary"]
# Read through the API (/api/v1/) with a token in the header, not a session (issue 20).
API_READS = ["API figures", "API units", "API run"]
# Posted to the SOP import page as the agency admin (the two SOP files) and to a unit's quarter as
# its Sekretaris (the figures workbook); each must be refused (tests/bench/inprocess.py writes them).
HOSTILE_FILES = ["SOP JSON, 1,000 steps", "SOP workbook, 20,000 rows", "figures workbook, ID 1e1000000"]
