"""SOP runs and the state of each step (no personal data: who acted is not given)."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from pydantic import Field

from sopkinerja.api.access import SLUG, Page, PageQuery, agency_for, page_of
from workflow.models.integration import Scope
from workflow.models.run import Run

router = Router(tags=["pelaksanaan SOP"])


class RunOut(Schema):
    id: int
    sop_number: str = Field(validation_alias="sop.number")
    sop_name: str = Field(validation_alias="version.name")
    revision: int = Field(validation_alias="version.revision")
    period: str
    state: str
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    lead_minutes: int | None
    standard_minutes: int


class StepOut(Schema):
    sequence: int
    step_number: int = Field(validation_alias="step.number")
    activity: str = Field(validation_alias="step.activity")
    attempt: int
    state: str
    activated_at: datetime.datetime | None
    due_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    returned_count: int
    standard_minutes: int
    actual_minutes: int | None


class RunDetailOut(RunOut):
    steps: list[StepOut] = Field(validation_alias="step_rows")


class RunPage(Page):
    items: list[RunOut]


def _runs(agency):
    return Run.objects.for_agency(agency).select_related("sop", "version").order_by("-started_at", "-pk")


@router.get("/agencies/{slug}/runs", response=RunPage, summary="Pelaksanaan SOP, terbaru dulu")
def runs(request, page: Query[PageQuery], slug: str = Path(..., pattern=SLUG)):
    return page_of(_runs(agency_for(request, slug, Scope.READ_RUNS)), page)


@router.get("/agencies/{slug}/runs/{run_id}", response=RunDetailOut, summary="Satu pelaksanaan dan langkahnya")
def run_detail(request, run_id: int = Path(..., ge=1, le=2**31 - 1), slug: str = Path(..., pattern=SLUG)):
    agency = agency_for(request, slug, Scope.READ_RUNS)
    run = get_object_or_404(_runs(agency), pk=run_id)
    run.step_rows = list(run.steps.select_related("step").order_by("sequence"))
    return run
