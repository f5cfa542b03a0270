"""Request and response shapes of rounds, registrations and dossiers
(``/api/v1/evaluation/rounds``, ``/api/v1/evaluation/registrations`` and their steps).
The services take the requests as they are; pages build the same requests from forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from shop.evaluation.models.registrations import EvaluationKind, RegistrationStatus, RoundStatus
from shop.params import MAX_ID

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Year = Annotated[int, msgspec.Meta(ge=2018, le=2100)]
RoundNumber = Annotated[int, msgspec.Meta(ge=1, le=4)]
ProductSet = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Note = Annotated[str, msgspec.Meta(max_length=5000)]
Comment = Annotated[str, msgspec.Meta(max_length=2000)]
LinkKind = Literal["quality", "batch", "sales"]


# ---- rounds ----


class RoundIn(msgspec.Struct, forbid_unknown_fields=True):
    """Deadlines in order: registration ≤ dossier ≤ scoring."""

    province_id: Id  # a province of today's map
    year: Year
    number: RoundNumber
    registration_until: dt.date
    dossier_until: dt.date
    scoring_until: dt.date


class RoundStatusIn(msgspec.Struct, forbid_unknown_fields=True):
    """open → scoring → decided → closed (scoring may also close without a decision)."""

    status: RoundStatus


class RoundOut(msgspec.Struct):
    id: int
    province_id: int
    province: str
    year: int
    number: int
    registration_until: dt.date
    dossier_until: dt.date
    scoring_until: dt.date
    status: RoundStatus
    accepts_registrations: bool  # open, and the registration deadline has not passed
    registrations: int


# ---- registrations ----


class RegistrationIn(msgspec.Struct, forbid_unknown_fields=True):
    """``kind`` left out: re-evaluation when the certificate ends within the round's year,
    upgrade when the product holds a certificate, first evaluation otherwise."""

    round_id: Id
    product_id: Id
    product_set: ProductSet  # of a published score sheet ("tea", "processed-food"…)
    kind: EvaluationKind | None = None


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    """What the system holds: a quality certification or a batch of the product (``id``),
    or the product's sales and distribution figures (no id)."""

    kind: LinkKind
    id: Id | None = None


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    """One criterion's self-assessment. A field left out is kept as it is; ``links``, when
    given, replaces the criterion's links to system data (uploaded files stay)."""

    criterion_id: Id
    option_id: Id | None = None
    note: Note | None = None
    links: Annotated[list[LinkIn], msgspec.Meta(max_length=50)] | None = None
    clear_option: bool = False  # take back the option chosen


class AnswersIn(msgspec.Struct, forbid_unknown_fields=True):
    answers: Annotated[list[AnswerIn], msgspec.Meta(min_length=1, max_length=300)]


class CriterionComment(msgspec.Struct, forbid_unknown_fields=True):
    criterion_id: Id
    comment: Comment


class ReturnIn(msgspec.Struct, forbid_unknown_fields=True):
    """Back to the producer: what to complete, overall and per criterion (one at least)."""

    note: Note | None = None
    comments: Annotated[list[CriterionComment], msgspec.Meta(max_length=300)] = []


class CommuneCheckIn(msgspec.Struct, forbid_unknown_fields=True):
    """The commune confirms all four (since July 2025, Decision 1489/QĐ-TTg)."""

    product_origin: bool
    raw_material_origin: bool
    local_labour: bool
    idea_origin: bool
    note: Note | None = None


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """The advisory group's review of the dossier and the samples."""

    note: Note
    inspected_on: dt.date | None = None  # on-site inspection
    comments: Annotated[list[CriterionComment], msgspec.Meta(max_length=300)] = []


class EvidenceOut(msgspec.Struct):
    ref: str  # names the item within its answer (to delete it)
    kind: str  # pdf, photo, quality, batch, sales
    label: str
    url: str | None = None
    copied: bool = False  # from the previous dossier, not looked at since


class OptionOut(msgspec.Struct):
    id: int
    label: str
    points: int


class AnswerOut(msgspec.Struct):
    criterion_id: int
    code: str
    part: str
    group: str
    text: str
    max_points: int
    options: list[OptionOut]
    option_id: int | None
    note: str | None
    evidence: list[EvidenceOut]
    needs_review: bool
    office_comment: str | None
    advisory_comment: str | None
    missing: list[str]  # what the checklist still asks for this criterion


class RegistrationOut(msgspec.Struct):
    id: int
    round_id: int
    product_id: int
    product_name: str
    producer_code: str
    producer_name: str
    product_set: str
    sheet_id: int
    criteria_version: str
    kind: EvaluationKind
    status: RegistrationStatus
    previous_id: int | None
    answered: int  # criteria with an option chosen
    criteria: int
    submitted_at: dt.datetime | None
    created_at: dt.datetime


class FiguresOut(msgspec.Struct):
    """What the system holds about the product, computed now (read only)."""

    period_from: dt.date
    period_until: dt.date
    till_units: int
    till_vnd: int
    online_units: int
    online_vnd: int
    sales_points: int
    provinces: list[str]
    quality_certifications: list[str]
    traceable_batches: int


class RegistrationDetailOut(msgspec.Struct):
    registration: RegistrationOut
    answers: list[AnswerOut]
    checklist: list[str]  # what is missing before it can be submitted
    can_edit: bool
    office_note: str | None
    commune_confirmed: dict[str, bool] | None
    commune_note: str | None
    advisory_note: str | None
    inspected_on: dt.date | None
    figures: FiguresOut
