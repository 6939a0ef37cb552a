"""The organisation: the agencies a token reaches, their units and positions (no personal data)."""

from ninja import Path, Query, Router, Schema
from pydantic import Field

from sopkinerja.api.access import SLUG, Page, PageQuery, agency_for, page_of
from workflow.models.organisation import Position, Unit

router = Router(tags=["organisasi"])


class AgencyOut(Schema):
    slug: str
    name: str
    local_government: str = Field(validation_alias="local_government.name")
    time_zone: str


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None


class PositionOut(Schema):
    id: int
    title: str
    rank: str
    unit_id: int | None
    supervisor_id: int | None


class UnitPage(Page):
    items: list[UnitOut]


class PositionPage(Page):
    items: list[PositionOut]


@router.get("/agencies", response=list[AgencyOut], summary="Dinas yang dijangkau token")
def agencies(request):
    return list(request.auth.agencies().select_related("local_government").order_by("name"))


@router.get("/agencies/{slug}/units", response=UnitPage, summary="Unit kerja")
def units(request, page: Query[PageQuery], slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug)
    return page_of(Unit.objects.filter(agency=agency).order_by("name", "pk"), page)


@router.get("/agencies/{slug}/positions", response=PositionPage, summary="Jabatan (tanpa nama pegawai)")
def positions(request, page: Query[PageQuery], slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug)
    return page_of(Position.objects.filter(agency=agency).order_by("title", "pk"), page)
