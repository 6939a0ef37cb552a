"""Figures a test needs in place: a whole year's targets and realisations for an agency."""

from decimal import Decimal

from django.utils import timezone

from reports.models import Indicator, Realisation, Target
from reports.performance.selectors import indicators_for
from reports.performance.services import target_set
from workflow.models import Employee, Unit


def library_visitors(agency) -> Indicator:
    """The agency's "Jumlah pengunjung perpustakaan" indicator."""
    return Indicator.objects.get(objective__agency=agency, name="Jumlah pengunjung perpustakaan")


def layanan(agency) -> Unit:
    """The unit that reports the library visitors: Balangan's Seksi Layanan."""
    return library_visitors(agency).responsible_unit


def fill_year(agency, year: int, value: Decimal = Decimal("100")) -> None:
    """Give every indicator of the agency the annual and quarterly targets and the four quarters'
    figures it lacks for the year (what is there already is kept); an indicator measured once a year
    gets its annual target and its figure for the year (kept with TW IV)."""
    for indicator in indicators_for(agency):
        have = set(Target.objects.filter(indicator=indicator, year=year).values_list("quarter", flat=True))
        for quarter in (None,) if indicator.measured_yearly else (None, 1, 2, 3, 4):
            if quarter not in have:
                target_set(indicator=indicator, year=year, quarter=quarter, value=value)
        clerk = Employee.objects.filter(agency=agency).select_related("user").first().user
        reported = set(Realisation.objects.filter(indicator=indicator, year=year).values_list("quarter", flat=True))
        for quarter in {q for q in (1, 2, 3, 4) if indicator.reported_in(q)} - reported:
            realisation = Realisation(
                indicator=indicator,
                year=year,
                quarter=quarter,
                value=value,
                submitted_by=clerk,
                submitted_at=timezone.now(),
            )
            realisation.full_clean()
            realisation.save()
