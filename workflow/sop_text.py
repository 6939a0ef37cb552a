"""Reading the text of SOP documents: numbered list cells, Waktu, Kelengkapan."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workflow.duration import TimeUnit

_TAG = re.compile(r"<[^>]+>")
_UNIT_WORDS = {
    "menit": TimeUnit.MINUTE,
    "mnt": TimeUnit.MINUTE,
    "jam": TimeUnit.HOUR,
    "hari": TimeUnit.DAY,
}


def split_numbered_list(cell: str) -> list[str]:
    """Split '<ol> 1. First 2. Second' into ['First', 'Second'].

    Only the numbers 1, 2, 3 … in sequence start an item, so "No. 53" or "Tahun 2014" inside
    an item never split it.
    """
    text = " ".join(_TAG.sub(" ", cell).split())
    items: list[str] = []
    position = 0
    expected = 1
    starts: list[tuple[int, int]] = []  # (start of the marker, start of the item text)
    while True:
        match = re.compile(rf"(?:^|\s){expected}\.\s").search(text, position)
        if not match:
            break
        starts.append((match.start(), match.end()))
        position = match.end()
        expected += 1
    if not starts:
        return [text] if text else []
    for index, (_marker, begin) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        items.append(text[begin:end].strip())
    return items


def parse_waktu(text: str) -> tuple[int, str]:
    """'15 Menit' -> (15, 'menit'); '2hari' -> (2, 'hari')."""
    match = re.fullmatch(r"\s*(\d+)\s*([A-Za-z]+)\s*", text or "")
    unit = _UNIT_WORDS.get(match[2].lower()) if match else None
    if not match or unit is None:
        raise ValidationError(
            _("Cannot read the time %(text)r: write an amount and menit, jam or hari.") % {"text": text}
        )
    return int(match[1]), unit


def split_requirements(text: str) -> list[str]:
    """Kelengkapan as printed ('Disposisi, Rencana Aksi, PK') -> its items."""
    return [item.strip() for item in (text or "").split(",") if item.strip() and item.strip() != "-"]
