"""The unit's quarter and the year's targets as .xlsx files, there and back (openpyxl).

Written: names and targets locked by sheet protection, input cells unlocked and filled, a
data-validation hint on each input column. Read back: every row is checked before anything is
saved; a refused file lists each bad row by its number and reason, in the user's language.
"""

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookRefused(Exception):
    """The uploaded workbook cannot be saved; `problems` are sentences, one per bad row or column."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
