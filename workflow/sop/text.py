"""Reading the text of SOP documents: numbered list cells, Waktu, Kelengkapan."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workflow.sop.waktu import NO_TIME, TimeUnit, Waktu

_TAG = re.compile(r"<[^>]+>")
_UNIT_WORDS = {
    "menit": TimeUnit.MINUTE,
    "mnt": TimeUnit.MINUTE,
    "jam": TimeUnit.HOUR,
    "hari": TimeUnit.DAY,
    "minggu": TimeUnit.WEEK,
    "pekan": TimeUnit.WEEK,
    "bulan": TimeUnit.MONTH,
}
_MINUTES = {TimeUnit.MINUTE: 1, TimeUnit.HOUR: 60}
_AT_ONCE = re.compile(r"\b(seketika|otomatis|langsung)\b")
_AS_NEEDED = re.compile(r"\b(menyesuaikan|sesuai\s+kebutuhan|kondisional|tentatif)\b")
# "± 15 menit", "+/- 15 menit", "kurang lebih 15 menit", "kira-kira 2 jam", "sekitar 1 hari"
_APPROXIMATE = re.compile(r"^(?:±|\+\s*/\s*-|\+-|kurang[\s-]+lebih|lebih[\s-]+kurang|kira[\s-]+kira|sekitar)\s*")
# "10 menit/berkas", "10 menit per berkas": a time per item (the item is a word, not a unit)
_PER_ITEM = re.compile(r"\s*(?:/|\bper\s+)\s*(?P<item>[a-z][a-z ]*?)\s*\.?$")
_AMOUNT = re.compile(
    r"(?:(?P<low>\d+(?:[.,]\d+)?)\s*[-–s/d]+\s*)?"
    r"(?:(?P<times>\d+)\s*[x×]\s*)?"
    r"(?P<amount>\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>[a-z]+)(?:\s+(?P<clock>kerja|kalender))?\.?"
)


def _refused(raw: str) -> ValidationError:
    return ValidationError(
        _(
            "Cannot read the time %(text)r: write an amount with menit, jam, hari, minggu or bulan "
            "(e.g. 15 menit, 4 jam kerja, 3 hari kalender, 1x24 jam, ± 15 menit, 10 menit/berkas), "
            "Seketika, Menyesuaikan, or - for no time."
        )
        % {"text": raw}
    )


def parse_waktu(text: str) -> Waktu:
    """A Waktu as written, read into its value. The text is kept as it was written.

    - "15 Menit", "2hari", "4 jam kerja", "2 hari kerja", "1 Minggu" (= working days, see duration);
    - "3 hari kalender", "1x24 jam" (= 24 jam on the clock), "1 bulan" (a calendar month): calendar time;
    - "1,5 jam" -> 90 menit (a fraction is kept exact in the smaller unit);
    - "1-3 hari", "1 s/d 3 hari" -> 3 hari: the upper bound is the standard (the lower bound is kept);
    - "± 15 menit", "kurang lebih 15 menit" -> 15 menit, marked as an estimate;
    - "10 menit/berkas", "10 menit per berkas" -> 10 menit for one berkas;
    - "Seketika", "otomatis" -> zero, allowed;
    - "Menyesuaikan", "sesuai kebutuhan" -> no standard at all;
    - "-", "–" -> no time at all (Mulai/Selesai rows).
    Anything else is refused, in Indonesian, quoting the text.
    """
    raw = (text or "").strip()
    if raw in NO_TIME:
        return Waktu(None, "", raw)
    lowered = " ".join(raw.lower().split())
    if _AS_NEEDED.search(lowered):
        return Waktu(None, "", raw)
    if _AT_ONCE.search(lowered):
        return Waktu(0, TimeUnit.MINUTE, raw)
    rest = re.sub(r"\s*\(.*\)\s*$", "", lowered)
    approximate = _APPROXIMATE.match(rest)
    rest = rest[approximate.end() :] if approximate else rest
    per = _PER_ITEM.search(rest)
    if per and per["item"].split()[0] not in (*_UNIT_WORDS, "kerja", "kalender"):
        rest = rest[: per.start()]
    else:
        per = None
    match = _AMOUNT.fullmatch(rest)
    unit = _UNIT_WORDS.get(match["unit"]) if match else None
    if match is None or unit is None or (match["times"] and match["low"]):
        raise _refused(raw)
    amount = Decimal(match["amount"].replace(",", ".")) * int(match["times"] or 1)
    low = Decimal(match["low"].replace(",", ".")) if match["low"] else None
    bounds = [amount] if low is None else [amount, low]
    if any(value != value.to_integral_value() for value in bounds):
        if unit not in _MINUTES:
            raise ValidationError(
                _("Cannot read the time %(text)r: write a fraction of a day or week in jam (e.g. 4 jam).")
                % {"text": raw}
            )
        amount, low = amount * _MINUTES[unit], None if low is None else low * _MINUTES[unit]
        unit = TimeUnit.MINUTE
        if any(value != value.to_integral_value() for value in [amount] + ([] if low is None else [low])):
            raise ValidationError(_("Cannot read the time %(text)r: use whole minutes.") % {"text": raw})
    if amount > 100_000:
        raise ValidationError(_("The time %(text)r is too long to be a standard.") % {"text": raw})
    if low is not None and low > amount:
        raise ValidationError(
            _("Cannot read the time %(text)r: a range is written from the shorter to the longer time (e.g. 1-3 hari).")
            % {"text": raw}
        )
    # Calendar time: "kalender" says so, a month is one, and "1x24 jam" counts hours round the clock.
    calendar = match["clock"] == "kalender" or unit == TimeUnit.MONTH
    calendar = calendar or (match["clock"] is None and unit == TimeUnit.HOUR and match["times"] is not None)
    return Waktu(
        int(amount),
        unit,
        raw,
        calendar=calendar,
        approximate=approximate is not None,
        per=per["item"] if per else "",
        low=None if low is None else int(low),
    )
