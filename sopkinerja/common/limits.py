"""How large an SOP may be: one set of bounds for the editor (workflow.forms.editor), the JSON schema
(docs/sop-schema-v1.json; workflow.sop.exchange.schema writes these numbers into it) and the Excel reader
(workflow.sop.exchange.excel, sopkinerja.common.xlsx).

Well above any real SOP (the seeds have ten steps and six columns). An import beyond them is refused
before a step is built, so a large file costs no more than reading it.
"""

import re

MAX_STEPS = 200
MAX_COLUMNS = 40  # Pelaksana columns
MAX_EXITS = 10  # arrows out of one step: a decision has two or three
MAX_REQUIREMENTS = 30  # Kelengkapan items of one step
MAX_LIST_ITEMS = 100  # items of one identity list (dasar hukum, peralatan, …)
MAX_TEXT = 2000  # characters of a long text: an activity, a list item, a provenance
MAX_NUMBER = 9999  # a step number, an exit's target, a revision (the model's small integer holds more)
MAX_DEPTH = 8  # nesting of a JSON document: the format needs five
MAX_CELL_CHARS = 10_000  # characters of one workbook cell (a step's actors or requirements joined by ";")
MAX_SHEET_ROWS = 1000  # rows read from one sheet of an SOP workbook, empty ones included

_WHOLE = re.compile(r"[0-9]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def whole_number(text: str, maximum: int = MAX_NUMBER) -> int | None:
    """ "12" -> 12; None for anything else: "²", "١٢", "1e300000", a 5,000-digit number or one above
    `maximum`. The digits are counted before they are converted, so no text costs more than a few."""
    text = text.strip()
    if len(text) > len(str(maximum)) or not _WHOLE.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


def storable(text: str) -> bool:
    """False for a text PostgreSQL refuses: one with a NUL character or an unpaired surrogate."""
    return _UNSTORABLE.search(text) is None
