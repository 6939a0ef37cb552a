"""The pages `make bench` drives, in the order it prints them: two baselines, then the main pages
signed in (tests/bench/inprocess.py finds their URLs)."""

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
