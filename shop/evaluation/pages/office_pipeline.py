"""``/office/evaluation/``: the office's pipeline. Its rounds (open one, move it open →
scoring → decided → closed), and for the round chosen the registrations by status and by
commune or former district (counts, then the list, filtered), and registering a product on
its producer's behalf. The same services as ``/api/v1/evaluation/…``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import today
from shop.errors import InvalidInput
from shop.evaluation import registration_views as views
from shop.evaluation import registrations, rounds
from shop.evaluation.models.registrations import EvaluationKind, RegistrationStatus, RoundStatus
from shop.evaluation.pages import dossier_forms as df
from shop.evaluation.registration_schemas import RegistrationIn, RoundIn
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form
from shop.paging import count, offset
from shop.params import Id, OptionalId
from shop.text import fold

BASE = "/office/evaluation"
PAGE_SIZE = 50
ROUND_FIELDS = ("province_id", "year", "number", "registration_until", "dossier_until", "scoring_until")
DONE = {
    "round_opened": N_("Round opened: producers can register until its deadline."),
    "round_moved": N_("The round's status changed."),
}


def _choice(value: str | None, allowed: type[Any]) -> Any:
    """A status or kind from the query string, or None when it names none."""
    try:
        return allowed(value) if value else None
    except ValueError:
        return None


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 10 else None


async def _provinces(session: AsyncSession) -> list[Place]:
    found = await session.scalars(
        sa.select(Place)
        .where(Place.level == PlaceLevel.province, Place.era == PlaceEra.current)
        .order_by(Place.folded, Place.name)
    )
    return list(found)


class OfficePipelinePages(Controller):
    path = BASE
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def pipeline(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        round: OptionalId = None,
        place: OptionalId = None,
        page: OptionalId = None,
    ) -> Template:
        query = request.query_params
        all_rounds, _ = await rounds.listing(session)
        chosen = next((r for r in all_rounds if r.round.id == round), None)
        chosen = chosen or next((r for r in all_rounds if r.round.status is RoundStatus.open), None)
        chosen = chosen or (all_rounds[0] if all_rounds else None)
        level = "district" if query.get("area") == "district" else "commune"
        filters = registrations.Filters(
            round_id=chosen.round.id if chosen else -1,
            status=_choice(query.get("status"), RegistrationStatus),
            kind=_choice(query.get("kind"), EvaluationKind),
            commune_id=place if level == "commune" else None,
            district_id=place if level == "district" else None,
        )
        number = min(page or 1, 10_000)
        stmt = registrations.listing_query(filters)
        total = await count(session, stmt)
        rows = (await session.execute(stmt.limit(PAGE_SIZE).offset(offset(number, PAGE_SIZE)))).all()
        items = [registrations.listed(r) for r in rows]
        area_filters = registrations.Filters(
            round_id=filters.round_id, status=filters.status, kind=filters.kind
        )
        context = {
            "rounds": all_rounds,
            "chosen": chosen,
            "filters": filters,
            "level": level,
            "place": place,
            "by_status": await registrations.counts_by_status(session, filters),
            "areas": await registrations.counts_by_area(session, area_filters, level=level),
            "items": items,
            "counts": await views.answered_counts(session, [i.registration.id for i in items]),
            "total": total,
            "page": number,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "params": _params(chosen, filters, level, place),
            "statuses": [s.value for s in RegistrationStatus],
            "kinds": [k.value for k in EvaluationKind],
            "moves": {s.value: [m.value for m in rounds.MOVES[s]] for s in RoundStatus},
            "labels": df.labels(),
            "today": today(),
            "done": gettext(DONE[query["done"]]) if query.get("done") in DONE else None,
        }
        return Template("evaluation/pipeline.html", context=context)

    @get("/rounds/new")
    async def round_form(self, session: AsyncSession) -> Template:
        on = today()
        values = {
            "year": str(on.year),
            "number": "1",
            "registration_until": (on + dt.timedelta(days=30)).isoformat(),
            "dossier_until": (on + dt.timedelta(days=60)).isoformat(),
            "scoring_until": (on + dt.timedelta(days=90)).isoformat(),
        }
        return await _round_page(session, Form(values=values))

    @post("/rounds")
    async def open_round(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        data = await request.form()
        form = Form(values={name: str(data.get(name) or "").strip() for name in ROUND_FIELDS})

        async def call() -> int:
            payload: dict[str, object] = {name: form.get(name) for name in ROUND_FIELDS}
            for name in ("province_id", "year", "number"):
                payload[name] = _number(form.get(name)) or 0
            try:
                request_data = msgspec.convert(payload, RoundIn, strict=False)
            except msgspec.ValidationError as invalid:
                form.error(_field_of(str(invalid)), gettext(N_("Check this field.")))
                raise InvalidInput(errors=[]) from invalid
            return (await rounds.open_round(session, request_data)).id

        made = await df.attempt(session, form, call)
        if made is None:
            return await _round_page(session, form)
        await session.commit()
        return Redirect(path=f"{BASE}/?round={made}&done=round_opened", status_code=303)

    @post("/rounds/{round_id:int}/status")
    async def move_round(
        self, request: Request[Any, Any, Any], session: AsyncSession, round_id: Id
    ) -> Template | Redirect:
        data = await request.form()
        found = await rounds.round_or_404(session, round_id)
        wanted = _choice(str(data.get("status") or ""), RoundStatus)
        form = Form()
        if wanted is None:
            form.error("status", gettext(N_("Choose one from the list.")))
        else:
            await df.attempt(session, form, lambda: rounds.move(session, found, wanted))
        if not form.ok:
            return Template(
                "evaluation/office_message.html",
                context={"form": form, "back": f"{BASE}/?round={round_id}"},
                status_code=form.status,
            )
        await session.commit()
        return Redirect(path=f"{BASE}/?round={round_id}&done=round_moved", status_code=303)

    @get("/registrations/new")
    async def register_form(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        round: OptionalId = None,
    ) -> Template:
        form = Form(values={"round_id": str(round or ""), "q": request.query_params.get("q", "")[:100]})
        return await _register_page(session, form)

    @post("/registrations")
    async def register(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        data = await request.form()
        names = ("round_id", "product_id", "product_set", "kind", "q")
        form = Form(values={name: str(data.get(name) or "").strip()[:100] for name in names})

        async def call() -> int:
            payload = {
                "round_id": _number(form.get("round_id")),
                "product_id": _number(form.get("product_id")),
                "product_set": form.get("product_set"),
                "kind": form.get("kind") or None,
            }
            for name in ("round_id", "product_id", "product_set"):
                if not payload[name]:
                    form.error(name, gettext(N_("Choose one from the list.")))
            if not form.ok:
                raise InvalidInput(errors=[])
            request_data = msgspec.convert(payload, RegistrationIn)
            made = await registrations.register(
                session, request_data, producer_id=None, user_id=actor(request).id, today=today()
            )
            return made.id

        made = await df.attempt(session, form, call)
        if made is None:
            return await _register_page(session, form)
        await session.commit()
        return Redirect(path=f"{BASE}/registrations/{made}?done=registered", status_code=303)


def _field_of(message: str) -> str:
    """The field a msgspec error names (``… - at `$.dossier_until```)."""
    return message.rsplit("$.", 1)[-1].rstrip("`") if "$." in message else ""


def _params(
    chosen: rounds.RoundRow | None, filters: registrations.Filters, level: str, place: int | None
) -> str:
    parts = [f"round={chosen.round.id}" if chosen else "", f"area={level}"]
    if filters.status:
        parts.append(f"status={filters.status.value}")
    if filters.kind:
        parts.append(f"kind={filters.kind.value}")
    if place:
        parts.append(f"place={place}")
    return "&".join(p for p in parts if p)


async def _round_page(session: AsyncSession, form: Form) -> Template:
    context = {"form": form, "provinces": await _provinces(session)}
    return Template(
        "evaluation/round_form.html", context=context, status_code=200 if form.ok else form.status
    )


async def _register_page(session: AsyncSession, form: Form) -> Template:
    """The office's registration form: a product found by its name, trace code or producer."""
    q = form.get("q")
    found: list[tuple[Product, Producer]] = []
    if len(q) >= 2:
        like = f"%{fold(q)}%"
        rows = await session.execute(
            sa.select(Product, Producer)
            .join(Producer, Producer.id == Product.producer_id)
            .where(
                sa.or_(
                    Product.search_text.like(like),
                    Product.trace_code == q.upper(),
                    Producer.code == q,
                )
            )
            .order_by(Product.name, Product.id)
            .limit(30)
        )
        found = [(p, m) for p, m in rows]
    chosen = _number(form.get("product_id"))
    if chosen and all(p.id != chosen for p, _ in found):
        product = await session.get(Product, chosen)
        if product is not None:
            found.insert(0, (product, await session.get_one(Producer, product.producer_id)))
    context = {
        "form": form,
        "rounds": await rounds.open_rounds(session, today()),
        "found": found,
        "sheets": await registrations.published_sheets(session),
        "kinds": [k.value for k in EvaluationKind],
        "labels": df.labels(),
    }
    return Template(
        "evaluation/office_register.html", context=context, status_code=200 if form.ok else form.status
    )
