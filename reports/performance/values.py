"""Reading figures and targets as offices write them: "1.234,5", "0,277", "12,5 %", "n/a",
"1:32", "maksimal 1 %", "minimal 80", "10 – 20", and a figure with its note: "38% (Evaluasi Semester I)".

Used by the browser forms and by the Excel upload, so both read a cell the same way. Every
refusal is a ValidationError with a sentence the user reads.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from reports.performance.achievement import TargetForm, TargetValue

MAX_DECIMALS = 4
MAX_DIGITS = 18  # the model fields: 14 before the decimal point, 4 after
NOT_AVAILABLE = {"n/a", "na", "n.a.", "tidak tersedia", "t/a"}
NOTE_LENGTH = 200  # Realisation.note

_GROUPED = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")  # "12.500", "1.234.567"; "0.277" is a decimal
_RATIO = re.compile(r"(?P<left>[^:]+):(?P<right>[^:]+)")
_CEILING = re.compile(r"^(maksimal|maksimum|maks\.?|max\.?|paling banyak|≤|<=)\s*", re.IGNORECASE)
_FLOOR = re.compile(r"^(minimal|minimum|min\.?|paling sedikit|≥|>=)\s*", re.IGNORECASE)
_NOTED = re.compile(r"(?P<figure>[^()]*?)\s*\((?P<note>[^()]*)\)\s*", re.DOTALL)  # "38% (Evaluasi Semester I)"
_RANGE = re.compile(r"\s*(?:–|—|s\.?d\.?|s/d|sampai|-)\s*", re.IGNORECASE)


def parse_angka(text: str) -> str:
    """Read a number written the Indonesian way into a plain decimal string.

    "12.500" is twelve thousand five hundred, "64,05" is a decimal, "1.234,5" is both. A single
    dot followed by other than exactly three digits ("64.05"), or after a leading zero ("0.277"),
    is taken as a decimal point.
    """
    value = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if "," in value:
        return value.replace(".", "").replace(",", ".")
    if _GROUPED.fullmatch(value):
        return value.replace(".", "")
    return value


def parse_number(text) -> Decimal:
    """A non-negative number with at most four decimals, with or without a "%" sign."""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        raw = str(Decimal(str(text)))  # a spreadsheet cell already holds a number
    else:
        raw = parse_angka(str(text or "").replace("%", ""))
    if not raw:
        raise ValidationError(_("Enter a number."), code="required")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("“%(text)s” is not a number. Write e.g. 12.500, 64,05 or 12,5 %%.") % {"text": text}, code="invalid"
        ) from None
    if not number.is_finite():
        raise ValidationError(_("“%(text)s” is not a number.") % {"text": text}, code="invalid")
    if number < 0:
        raise ValidationError(_("The value cannot be negative."), code="negative")
    # Before any rounding: a 40-digit number cannot be quantized at all.
    if number >= Decimal(10) ** (MAX_DIGITS - MAX_DECIMALS):
        raise ValidationError(_("The number is too large."), code="too_large")
    if -number.as_tuple().exponent > MAX_DECIMALS and number != number.quantize(Decimal("0.0001")):
        raise ValidationError(_("At most four decimals, e.g. 0,2775."), code="decimals")
    return number.quantize(Decimal("0.0001")).normalize() if number else Decimal(0)


def parse_ratio(text: str) -> Decimal:
    """ "1:32" → 32 (the n of 1:n); "2:64" is read as 1:32."""
    match = _RATIO.fullmatch(text.strip())
    if match is None:
        raise ValidationError(_("Write a ratio as 1:32."), code="ratio")
    left, right = parse_number(match["left"]), parse_number(match["right"])
    if left == 0:
        raise ValidationError(_("The first number of a ratio cannot be zero."), code="ratio")
    return right if left == 1 else (right / left).quantize(Decimal("0.0001")).normalize()


@dataclass(frozen=True)
class Figure:
    """A realisation as typed: a number, a ratio 1:n (value n, `ratio` set), or n/a (value None),
    with the note printed beside it, if any."""

    value: Decimal | None
    not_available: bool = False
    ratio: bool = False
    note: str = ""


def is_not_available(text) -> bool:
    return isinstance(text, str) and text.strip().lower() in NOT_AVAILABLE


def parse_figure(text) -> Figure:
    """A realisation: a number ("0,277", "12,5 %", "1.234,5"), a ratio ("1:28" → 28, kept as a ratio)
    or n/a; a note in brackets after it ("38% (Evaluasi Semester I)") is kept as its note."""
    note = ""
    if isinstance(text, str) and (noted := _NOTED.fullmatch(text.strip())):
        text, note = noted["figure"], " ".join(noted["note"].split())
        if not note:
            raise ValidationError(_("The brackets after the figure are empty: write the note in them."), code="note")
        if len(note) > NOTE_LENGTH:
            raise ValidationError(_("A note is at most %(length)s characters.") % {"length": NOTE_LENGTH}, code="note")
    if is_not_available(text):
        return Figure(None, True, note=note)
    if isinstance(text, str) and ":" in text:
        return Figure(parse_ratio(text), ratio=True, note=note)
    return Figure(parse_number(text), note=note)


def figure_text(value: Decimal | None, *, ratio: bool = False) -> str:
    """A realisation written back the way it is typed: "12.500", "0,277", or "1:17,9" for a ratio."""
    if value is None:
        return ""
    return f"1:{format_number(value)}" if ratio else format_number(value)


def parse_target(text) -> TargetValue:
    """A target in any of its five forms: "80", "10 – 20", "1:32", "maksimal 1 %", "minimal 80"."""
    if not isinstance(text, str):
        return TargetValue(parse_number(text))
    written = text.strip()
    if not written:
        raise ValidationError(_("Enter a target."), code="required")
    if is_not_available(written):
        raise ValidationError(_("A target cannot be n/a."), code="invalid")
    if ceiling := _CEILING.match(written):
        return TargetValue(parse_number(written[ceiling.end() :]), form=TargetForm.CEILING)
    if floor := _FLOOR.match(written):
        return TargetValue(parse_number(written[floor.end() :]), form=TargetForm.FLOOR)
    if ":" in written:
        return TargetValue(parse_ratio(written), form=TargetForm.RATIO)
    parts = [part for part in _RANGE.split(written) if part.strip()]
    if len(parts) == 2:
        low, high = parse_number(parts[0]), parse_number(parts[1])
        if high < low:
            raise ValidationError(_("The upper bound cannot be below the target."), code="range")
        return TargetValue(low, high, TargetForm.RANGE)
    return TargetValue(parse_number(written))


def target_text(target: TargetValue | None) -> str:
    """A target written back the way it is typed ("maksimal 1", "1:32", "10 – 20"), for forms and Excel."""
    if target is None:
        return ""
    low = format_number(target.low)
    if target.form == TargetForm.RATIO:
        return figure_text(target.low, ratio=True)
    if target.form == TargetForm.CEILING:
        return f"maksimal {low}"
    if target.form == TargetForm.FLOOR:
        return f"minimal {low}"
    if target.high is not None:
        return f"{low} – {format_number(target.high)}"
    return low


def format_number(value: Decimal | None) -> str:
    """A number the way offices write it, to be typed back: "11.250", "1.234,5", "0,277". It reads
    back unchanged: a dot always groups three digits, a comma always marks the decimals."""
    if value is None:
        return ""
    whole, _point, decimals = format(Decimal(value).normalize(), "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{decimals}" if decimals else grouped
