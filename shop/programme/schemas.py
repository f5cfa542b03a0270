"""Request and response shapes of ``/api/v1/programme/plans``; the office's forms build the
same requests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from shop.catalog.models import ProducerKind, QualityKind
from shop.params import MAX_ID
from shop.programme.models import Measure, PlanStatus

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Year = Annotated[int, msgspec.Meta(ge=2018, le=2100)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Note = Annotated[str, msgspec.Meta(max_length=5000)]
ShortNote = Annotated[str, msgspec.Meta(max_length=500)]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Count = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]


class PlanIn(msgspec.Struct, forbid_unknown_fields=True):
    """A province of today's map, one plan a year."""

    province_id: Id
    year: Year
    title: Title
    status: PlanStatus = PlanStatus.draft
    note: Note | None = None


class TargetIn(msgspec.Struct, forbid_unknown_fields=True):
    """``target``: a count, or a percentage for the shares (70 = 70 % of the evaluated
    products reach 3★; 150 = revenue ×1.5). ``place_id``: a former district or a commune of
    today's map in the plan's province (none: the whole province). ``stars`` for new
    certified products (3 when left out); ``quality_kind`` and ``producer_kind`` narrow their
    measures (none: any); ``label`` names what a recorded target counts."""

    measure: Measure
    target: Count
    stars: Annotated[int, msgspec.Meta(ge=3, le=5)] | None = None
    quality_kind: QualityKind | None = None
    producer_kind: ProducerKind | None = None
    place_id: Id | None = None
    label: Label | None = None
    note: ShortNote | None = None


class RecordIn(msgspec.Struct, forbid_unknown_fields=True):
    """A figure the office counted for a recorded target, and the day it stands for."""

    counted: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
    counted_on: dt.date
    note: ShortNote | None = None


class TargetOut(msgspec.Struct):
    id: int
    measure: Measure
    description: str  # the measure and its parameters, in the request's language
    target: int
    unit: str  # "count" or "percent"
    stars: int | None
    quality_kind: QualityKind | None
    producer_kind: ProducerKind | None
    place_id: int | None
    place: str | None
    label: str | None
    note: str | None


class PlanOut(msgspec.Struct):
    id: int
    province_id: int
    province: str
    year: int
    title: str
    status: PlanStatus
    note: str | None
    targets: int


class PlanDetailOut(msgspec.Struct):
    id: int
    province_id: int
    province: str
    year: int
    title: str
    status: PlanStatus
    note: str | None
    targets: list[TargetOut]


class AreaProgressOut(msgspec.Struct):
    place_id: int | None
    area: str
    done: float | None


class RecordOut(msgspec.Struct):
    id: int
    counted: int
    counted_on: dt.date
    note: str | None


class TargetProgressOut(msgspec.Struct):
    """``done`` so far (a count, or a percentage for shares; None while a share has nothing
    to divide), ``expected`` by the day (pro rata over the year for counts; the target for
    shares), ``status``: reached, on_track, behind or no_data."""

    target_id: int
    measure: Measure
    description: str
    place: str | None
    target: int
    unit: str
    done: float | None
    expected: int
    status: str
    status_text: str
    detail: str | None
    recorded: RecordOut | None
    areas: list[AreaProgressOut]


class ProgressOut(msgspec.Struct):
    plan_id: int
    province: str
    year: int
    title: str
    on: dt.date  # the day the figures stand for (today, or 31 December of a past year)
    by: str  # "district" (former districts) or "commune" (today's communes)
    targets: list[TargetProgressOut]
