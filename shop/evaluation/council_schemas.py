"""Request and response shapes of councils, score sheets, results and decisions
(``/api/v1/evaluation/councils``, ``…/registrations/{id}/score-sheets``, ``…/result``,
``/api/v1/evaluation/decisions``). The services take the requests as they are."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from shop.evaluation.models.results import CentralOutcome
from shop.evaluation.models.scoring import MemberRole, ScoreSheetStatus
from shop.params import MAX_ID

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Comment = Annotated[str, msgspec.Meta(max_length=1000)]
Reason = Annotated[str, msgspec.Meta(min_length=3, max_length=500)]
DecisionNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


# ---- councils ----


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Id  # an office account
    role: MemberRole = MemberRole.member


class CouncilIn(msgspec.Struct, forbid_unknown_fields=True):
    round_id: Id
    name: Name
    members: Annotated[list[MemberIn], msgspec.Meta(max_length=50)] = []


class AssignmentIn(msgspec.Struct, forbid_unknown_fields=True):
    registration_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]


class MemberOut(msgspec.Struct):
    id: int
    user_id: int
    username: str
    name: str
    role: MemberRole


class AssignedOut(msgspec.Struct):
    registration_id: int
    product_id: int
    product_name: str
    producer_name: str
    status: str
    signed_sheets: int


class CouncilOut(msgspec.Struct):
    id: int
    round_id: int
    name: str
    members: list[MemberOut]
    quorum: int  # signed sheets a result needs (75 % of the members, the chair among them)
    registrations: list[AssignedOut]


# ---- score sheets ----


class ScoreLineIn(msgspec.Struct, forbid_unknown_fields=True):
    criterion_id: Id
    option_id: Id | None = None
    comment: Comment | None = None


class ScoreSheetIn(msgspec.Struct, forbid_unknown_fields=True):
    """The member's choices: the whole sheet as it stands (a criterion left out is unscored)."""

    lines: Annotated[list[ScoreLineIn], msgspec.Meta(max_length=300)]


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason  # why the signed sheet is redone, e.g. "re-scored after the council's discussion"


class ScoreLineOut(msgspec.Struct):
    criterion_id: int
    code: str
    option_id: int
    points: int
    comment: str | None


class ScoreSheetOut(msgspec.Struct):
    id: int
    registration_id: int
    version: int
    status: ScoreSheetStatus
    reason: str | None
    part_a: int
    part_b: int
    part_c: int
    total: int
    gate_failed: bool
    missing: list[str]  # codes of the criteria still to score before signing
    signed_at: dt.datetime | None
    lines: list[ScoreLineOut]


class OptionOut(msgspec.Struct):
    id: int
    label: str
    points: int
    mandatory_for_star: int | None


class DossierOut(msgspec.Struct):
    """The producer's self-assessment on a criterion, and its evidence."""

    option_id: int | None
    note: str | None
    evidence: list[dict[str, object]]


class CriterionOut(msgspec.Struct):
    id: int
    code: str
    part: str
    group: str
    text: str
    guidance: str | None
    gate: bool
    max_points: int
    options: list[OptionOut]
    dossier: DossierOut | None


class CriteriaOut(msgspec.Struct):
    sheet_id: int
    version: str
    product_set: str
    name: str
    criteria: list[CriterionOut]


# ---- results ----


class MemberTotalOut(msgspec.Struct):
    member_id: int
    role: MemberRole
    version: int
    part_a: int
    part_b: int
    part_c: int
    total: int
    gate_failed: bool


class ResultOut(msgspec.Struct):
    """The council's result: ``standing`` says whether it can stand (``ready``), still waits for
    the quorum (``incomplete``) or must be re-scored (``blocked``: members 10 points apart).
    Points are given in hundredths (7150 = 71.50)."""

    registration_id: int
    standing: str
    members: int
    quorum: int
    signed: int
    chair_signed: bool
    totals: list[MemberTotalOut]
    spread: int | None
    mean_hundredths: int | None
    part_a_hundredths: int | None
    part_b_hundredths: int | None
    part_c_hundredths: int | None
    band_stars: int | None
    stars: int | None
    failed_mandatory: list[str]
    gate_failed: list[str]
    forwarded_central: bool
    ranked: bool  # the result was recorded (what a decision will use)
    central_outcome: CentralOutcome | None = None
    central_reference: str | None = None
    central_decided_on: dt.date | None = None
    final_stars: int | None = None  # what a decision certifies; None while the centre decides


class CentralIn(msgspec.Struct, forbid_unknown_fields=True):
    """What the central level answered for a product forwarded at 90 points or more."""

    outcome: CentralOutcome
    reference: DecisionNumber  # its decision (recognised) or letter (returned)
    decided_on: dt.date


# ---- decisions ----


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    round_id: Id
    number: DecisionNumber  # "1114/QĐ-UBND"
    decided_on: dt.date
    signer: Name
    issuer: Name  # "UBND tỉnh Thái Nguyên"
    registration_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]


class DecisionLineOut(msgspec.Struct):
    registration_id: int
    product_id: int
    product_name: str
    producer_name: str
    score_hundredths: int
    stars: int
    council_level: str
    certified: bool
    certificate_id: uuid.UUID | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    failed_evaluation_id: int | None
    note: str | None


class DecisionOut(msgspec.Struct):
    id: int | None  # None in a preview
    round_id: int
    number: str
    decided_on: dt.date
    signer: str
    issuer: str
    lines: list[DecisionLineOut]
    annex_pdf: str | None = None
    annex_xlsx: str | None = None
