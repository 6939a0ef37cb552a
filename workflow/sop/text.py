"""Reading the text of SOP documents: numbered list cells, Waktu, Kelengkapan."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workflow.sop.waktu import TimeUnit, Waktu

_TAG = re.compile(r"<[^>]+>")
_UNIT_WORDS = {
    "menit": TimeUnit.MINUTE,
    "mnt": TimeUnit.MINUTE,
    "jam": TimeUnit.HOUR,
    "hari": TimeUnit.DAY,
    "minggu": TimeUnit.WEEK,
    "pekan": TimeUnit.WEEK,
}
_MINUTES = {TimeUnit.MINUTE: 1, TimeUnit.HOUR: 60}
_AT_ONCE = re.compile(r"\b(seketika|otomatis|langsung)\b")
_AS_NEEDED = re.compile(r"\b(menyesuaikan|sesuai\s+kebutuhan|kondisional|tentatif)\b")
_AMOUNT = re.compile(
    r"(?:(?P<low>\d+(?:[.,]\d+)?)\s*[-–s/d]+\s*)?(?P<amount>\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>[a-z]+)(?:\s+(?:kerja|kalender))?\.?"
)


def parse_waktu(text: str) -> Waktu:
    """A Waktu as written, read into its value. The text is kept as it was written.

    - "15 Menit", "2hari", "4 jam kerja", "2 hari kerja", "1 Minggu" (= working days, see duration);
    - "1,5 jam" -> 90 menit (a fraction is kept exact in the smaller unit);
    - "1-3 hari", "1 s/d 3 hari" -> 3 hari: the upper bound is the standard;
    - "Seketika", "otomatis" -> zero, allowed;
    - "Menyesuaikan", "sesuai kebutuhan" -> no standard at all.
    Anything else is refused, in Indonesian, quoting the text.
    """
    raw = (text or "").strip()
    lowered = " ".join(raw.lower().split())
    if _AS_NEEDED.search(lowered):
        return Waktu(None, "", raw)
    if _AT_ONCE.search(lowered):
        return Waktu(0, TimeUnit.MINUTE, raw)
    match = _AMOUNT.fullmatch(re.sub(r"\s*\(.*\)\s*$", "", lowered))
    unit = _UNIT_WORDS.get(match["unit"]) if match else None
    if match is None or unit is None:
        raise ValidationError(
            _(
                "Cannot read the time %(text)r: write an amount with menit, jam, hari or minggu "
                "(e.g. 15 menit, 4 jam kerja, 1 minggu), Seketika or Menyesuaikan."
            )
            % {"text": raw}
        )
    amount = Decimal(match["amount"].replace(",", "."))
    if amount != amount.to_integral_value():
        if unit not in _MINUTES:
            raise ValidationError(
                _("Cannot read the time %(text)r: write a fraction of a day or week in jam (e.g. 4 jam).")
                % {"text": raw}
            )
        amount, unit = amount * _MINUTES[unit], TimeUnit.MINUTE
        if amount != amount.to_integral_value():
            raise ValidationError(_("Cannot read the time %(text)r: use whole minutes.") % {"text": raw})
    if amount > 100_000:
        raise ValidationError(_("The time %(text)r is too long to be a standard.") % {"text": raw})
    return Waktu(int(amount), unit, raw)
