"""What the dossier pages of the office and of the cooperatives share: running a service call
with the form's errors put back beside their fields, and the dossier as pages draw it (each
criterion with its options, the answer, its evidence, the comments and what is missing).

A page never decides a rule: it builds the request the API takes and shows the answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor
from shop.catalog.models import Producer, Product
from shop.errors import Conflict, InvalidInput
from shop.evaluation import dossier, evidence, registrations
from shop.evaluation.models.registrations import EvaluationRound, Registration
from shop.evaluation.models.sheets import CriteriaSheet
from shop.evaluation.registration_views import KIND_LABELS, ROUND_STATUS_LABELS, STATUS_LABELS
from shop.geo.models import Place
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form

T = TypeVar("T")


def scope(request: Request[Any, Any, Any]) -> int | None:
    return registrations.scope_of(actor(request))


async def attempt(session: AsyncSession, form: Form, call: Callable[[], Awaitable[T]]) -> T | None:
    """Run a service call in a savepoint; on bad input or a conflict undo it and keep each
    error beside its field (by the service's field name) or at the top of the form."""
    try:
        async with session.begin_nested():
            return await call()
    except (InvalidInput, Conflict) as refused:
        form.status = refused.status_code
        for error in refused.errors:
            form.error(str(error.get("field", "")), str(error.get("message") or refused.detail))
        if not refused.errors:
            form.error("", refused.detail)
        return None
    except msgspec.ValidationError as invalid:
        form.status = 422
        form.error("", str(invalid))
        return None


def labels() -> dict[str, dict[str, str]]:
    """The status and kind names, translated now (for the templates)."""
    return {
        "status": {k: gettext(v) for k, v in STATUS_LABELS.items()},
        "kind": {k: gettext(v) for k, v in KIND_LABELS.items()},
        "round": {k: gettext(v) for k, v in ROUND_STATUS_LABELS.items()},
        "missing": {k: dossier.missing_text(k) for k in dossier.MISSING_TEXT},
    }


@dataclass(frozen=True)
class CriterionView:
    """One criterion of a dossier as a page draws it."""

    row: dossier.AnswerRow
    evidence: list[evidence.Shown]
    missing: list[str]

    @property
    def id(self) -> int:
        return self.row.criterion.id


@dataclass(frozen=True)
class DossierView:
    registration: Registration
    round: EvaluationRound
    province: str
    product: Product
    producer: Producer
    sheet: CriteriaSheet
    criteria: list[CriterionView]
    checklist: list[str]
    can_edit: bool

    @property
    def answered(self) -> int:
        return sum(1 for c in self.criteria if c.row.answer.option_id is not None)

    @property
    def blocking(self) -> int:
        return sum(1 for c in self.criteria if any(m in dossier.BLOCKING for m in c.missing))

    def parts(self) -> list[tuple[str, list[CriterionView]]]:
        grouped: dict[str, list[CriterionView]] = {}
        for view in self.criteria:
            grouped.setdefault(view.row.criterion.part.value, []).append(view)
        return list(grouped.items())

    def after(self, criterion_id: int) -> CriterionView | None:
        ids = [c.id for c in self.criteria]
        at = ids.index(criterion_id) if criterion_id in ids else len(ids)
        return self.criteria[at + 1] if at + 1 < len(ids) else None

    def before(self, criterion_id: int) -> CriterionView | None:
        ids = [c.id for c in self.criteria]
        at = ids.index(criterion_id) if criterion_id in ids else 0
        return self.criteria[at - 1] if at > 0 else None


async def dossier_view(session: AsyncSession, registration: Registration, *, today: dt.date) -> DossierView:
    await session.refresh(registration)  # a step undone in its savepoint leaves it expired
    rows = await dossier.answer_rows(session, registration.id)
    found = await session.get_one(EvaluationRound, registration.round_id)
    province = await session.get(Place, found.province_id)
    criteria = [
        CriterionView(
            row,
            [evidence.shown(registration.id, item) for item in row.answer.evidence or []],
            row.missing(registration.status),
        )
        for row in rows
    ]
    return DossierView(
        registration=registration,
        round=found,
        province=province.name if province else "",
        product=await session.get_one(Product, registration.product_id),
        producer=await session.get_one(Producer, registration.producer_id),
        sheet=await session.get_one(CriteriaSheet, registration.sheet_id),
        criteria=criteria,
        checklist=dossier.checklist(rows, registration.status),
        can_edit=dossier.can_edit(registration, found, today),
    )


def comments_of(form_data: Any, prefix: str) -> list[dict[str, Any]]:
    """Per-criterion comments typed in fields ``<prefix><criterion id>``."""
    found = []
    for name, value in form_data.multi_items():
        text = str(value).strip()
        tail = name.removeprefix(prefix)
        if name.startswith(prefix) and tail.isdigit() and len(tail) < 10 and text:
            found.append({"criterion_id": int(tail), "comment": text[:2000]})
    return found


NOT_SAVED = N_("Nothing was saved: correct what is marked and send again.")
