"""``/coop/evaluation/``: a cooperative enters its products in an open round and builds each
dossier on its phone, one criterion a screen (the option, a note, a photo or PDF taken there
and then, links to what the system already holds), with the list of what is still missing;
then it submits, and answers the office's comments when the dossier comes back.

Another producer's dossier answers 404. The office may open any (it fills one in on a
producer's behalf); its own screens are ``/office/evaluation/``."""

from __future__ import annotations

from typing import Any

import msgspec
import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_role
from shop.accounts.models import Role
from shop.catalog.models import Product
from shop.catalog.photos_api import UPLOAD_BODY_LIMIT
from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.errors import InvalidInput, NotFound
from shop.evaluation import dossier, evidence, figures, registrations, rounds, uploads
from shop.evaluation import registration_views as views
from shop.evaluation.models.registrations import EvaluationKind
from shop.evaluation.pages import dossier_forms as df
from shop.evaluation.registration_schemas import AnswerIn, AnswersIn, LinkIn, RegistrationIn
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form
from shop.media import services as media
from shop.params import Id
from shop.settings import Settings

BASE = "/coop/evaluation"
MAX_BATCH_OFFERS = 5  # the latest batches: enough to show the product is traced
REGISTER_FIELDS = ("round_id", "product_id", "product_set", "kind")
DONE = {
    "registered": N_("The product is registered: fill in its dossier, one criterion at a time."),
    "saved": N_("Saved."),
    "submitted": N_("The dossier was sent to the office. You will see its comments here."),
    "removed": N_("The evidence was taken off."),
}


def _done(request: Request[Any, Any, Any]) -> str | None:
    key = request.query_params.get("done")
    return gettext(DONE[key]) if key in DONE else None


async def _own_products(session: AsyncSession, producer_id: int | None) -> list[Product]:
    if producer_id is None:
        return []  # the office registers from its own screen, where it searches every product
    found = await session.scalars(
        sa.select(Product).where(Product.producer_id == producer_id).order_by(Product.name, Product.id)
    )
    return list(found)


class CoopEvaluationPages(Controller):
    path = BASE
    include_in_schema = False
    guards = (requires_role(Role.cooperative),)

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        filters = registrations.Filters(producer_id=df.scope(request))
        rows = (await session.execute(registrations.listing_query(filters).limit(200))).all()
        mine = [registrations.listed(r) for r in reversed(rows)]  # newest first
        context = {
            "items": mine,
            "counts": await views.answered_counts(session, [m.registration.id for m in mine]),
            "rounds": await rounds.open_rounds(session, today()),
            "labels": df.labels(),
            "done": _done(request),
        }
        return Template("evaluation/coop_index.html", context=context)

    @get("/register")
    async def register_form(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        chosen = request.query_params.get("round", "")
        return await self._register_page(request, session, Form(values={"round_id": chosen}))

    async def _register_page(
        self, request: Request[Any, Any, Any], session: AsyncSession, form: Form, status: int = 200
    ) -> Template:
        context = {
            "form": form,
            "rounds": await rounds.open_rounds(session, today()),
            "products": await _own_products(session, df.scope(request)),
            "sheets": await registrations.published_sheets(session),
            "kinds": [k.value for k in EvaluationKind],
            "labels": df.labels(),
        }
        return Template("evaluation/coop_register.html", context=context, status_code=status)

    @post("/register")
    async def register(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        data = await request.form()
        form = Form(values={name: str(data.get(name) or "").strip() for name in REGISTER_FIELDS})

        async def call() -> int:
            payload = {
                "round_id": _number(form.get("round_id")),
                "product_id": _number(form.get("product_id")),
                "product_set": form.get("product_set"),
                "kind": form.get("kind") or None,
            }
            request_data = _convert(form, payload)
            user = actor(request)
            made = await registrations.register(
                session, request_data, producer_id=df.scope(request), user_id=user.id, today=today()
            )
            return made.id

        made = await df.attempt(session, form, call)
        if made is None:
            return await self._register_page(request, session, form, status=form.status)
        await session.commit()
        return Redirect(path=f"{BASE}/{made}?done=registered", status_code=303)

    @get("/{registration_id:int}")
    async def show(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template:
        registration = await registrations.visible(session, registration_id, df.scope(request))
        return await _dossier_page(session, registration, done=_done(request))

    @get("/{registration_id:int}/criteria/{criterion_id:int}")
    async def criterion(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id, criterion_id: Id
    ) -> Template:
        registration = await registrations.visible(session, registration_id, df.scope(request))
        return await _criterion_page(session, registration, criterion_id, done=_done(request))

    @post("/{registration_id:int}/criteria/{criterion_id:int}", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def save(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id, criterion_id: Id
    ) -> Template | Redirect:
        registration = await registrations.visible(session, registration_id, df.scope(request))
        data = await request.form()
        form = Form(values={"option": str(data.get("option") or ""), "note": str(data.get("note") or "")})
        settings: Settings = request.app.state.settings
        upload = next((v for v in data.getall("file", []) if isinstance(v, UploadFile)), None)
        content = await upload.read(settings.upload_max_bytes + 1) if upload else b""

        async def call() -> None:
            on = today()
            answer = AnswerIn(
                criterion_id=criterion_id,
                option_id=_number(form.get("option")),
                note=form.get("note")[:5000],
                links=_links(data),
            )
            await dossier.save_answers(session, registration, AnswersIn(answers=[answer]), today=on)
            if content:
                limits = media.Limits(settings.upload_max_bytes, settings.upload_max_pixels)
                item = await uploads.store(
                    session,
                    request.app.state.media,
                    content,
                    upload.filename if upload else None,
                    limits=limits,
                )
                await dossier.attach(session, registration, criterion_id, item, today=on)

        await df.attempt(session, form, call)
        if not form.ok:
            return await _criterion_page(session, registration, criterion_id, form=form)
        await session.commit()
        return Redirect(path=await _after_save(session, registration, criterion_id, data), status_code=303)

    @post("/{registration_id:int}/criteria/{criterion_id:int}/evidence/{ref:str}/delete")
    async def remove(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        registration_id: Id,
        criterion_id: Id,
        ref: str,
    ) -> Template | Redirect:
        registration = await registrations.visible(session, registration_id, df.scope(request))
        form = Form()
        await df.attempt(
            session,
            form,
            lambda: dossier.detach(session, registration, criterion_id, ref[:40], today=today()),
        )
        if not form.ok:
            return await _criterion_page(session, registration, criterion_id, form=form)
        await session.commit()
        return Redirect(
            path=f"{BASE}/{registration.id}/criteria/{criterion_id}?done=removed", status_code=303
        )

    @post("/{registration_id:int}/submit")
    async def submit(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration = await registrations.visible(session, registration_id, df.scope(request))
        form = Form()
        await df.attempt(
            session, form, lambda: dossier.submit(session, registration, today=today(), now=utcnow())
        )
        if not form.ok:
            return await _dossier_page(session, registration, form=form)
        await session.commit()
        return Redirect(path=f"{BASE}/{registration.id}?done=submitted", status_code=303)


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 10 else None


def _convert(form: Form, payload: dict[str, Any]) -> RegistrationIn:
    """The API's request from the form; a field left unchosen is named beside it."""
    for name in ("round_id", "product_id"):
        if payload[name] is None:
            form.error(name, gettext(N_("Choose one from the list.")))
    if not payload["product_set"]:
        form.error("product_set", gettext(N_("Choose the product set of the score sheet.")))
    if payload["kind"] not in (None, *[k.value for k in EvaluationKind]):
        form.error("kind", gettext(N_("Choose one from the list.")))
    if not form.ok:
        raise InvalidInput(errors=[])
    return msgspec.convert(payload, RegistrationIn)


def _links(data: FormMultiDict) -> list[LinkIn]:
    """The ticked links to system data: ``sales``, ``quality:<id>``, ``batch:<id>``."""
    found = []
    for value in data.getall("link", [])[:50]:
        kind, _, key = str(value).partition(":")
        if kind == "sales":
            found.append(LinkIn(kind="sales"))
        elif kind in ("quality", "batch") and (number := _number(key)) is not None:
            found.append(LinkIn(kind=kind, id=number))  # type: ignore[arg-type]  # checked just above
    return found


async def _after_save(
    session: AsyncSession, registration: Any, criterion_id: int, data: FormMultiDict
) -> str:
    """The next criterion after "Save and next", else this one again."""
    if data.get("go") == "next":
        view = await df.dossier_view(session, registration, today=today())
        following = view.after(criterion_id)
        if following is not None:
            return f"{BASE}/{registration.id}/criteria/{following.id}?done=saved"
        return f"{BASE}/{registration.id}?done=saved#checklist"
    return f"{BASE}/{registration.id}/criteria/{criterion_id}?done=saved"


async def _dossier_page(
    session: AsyncSession, registration: Any, *, form: Form | None = None, done: str | None = None
) -> Template:
    view = await df.dossier_view(session, registration, today=today())
    form = form or Form()
    return Template(
        "evaluation/coop_dossier.html",
        context={"view": view, "form": form, "labels": df.labels(), "done": done},
        status_code=200 if form.ok else form.status,
    )


async def _criterion_page(
    session: AsyncSession,
    registration: Any,
    criterion_id: int,
    *,
    form: Form | None = None,
    done: str | None = None,
) -> Template:
    view = await df.dossier_view(session, registration, today=today())
    current = next((c for c in view.criteria if c.id == criterion_id), None)
    if current is None:
        raise NotFound(N_("No criterion {key} in this dossier."), key=criterion_id)
    held = await figures.product_figures(session, registration.product_id, today=today())
    offers = link_offers(held, current.row.answer.evidence or [])
    form = form or Form(
        values={"option": str(current.row.answer.option_id or ""), "note": current.row.answer.note or ""}
    )
    context = {
        "view": view,
        "current": current,
        "previous": view.before(criterion_id),
        "following": view.after(criterion_id),
        "offers": offers,
        "form": form,
        "labels": df.labels(),
        "done": done,
    }
    return Template(
        "evaluation/coop_criterion.html", context=context, status_code=200 if form.ok else form.status
    )


def link_offers(held: figures.Figures, items: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """What the system holds that a criterion may point at: (form value, label, ticked);
    a record linked before and no longer among the latest stays offered, ticked."""
    linked = {evidence.link_key(e): e for e in items if not evidence.is_file(e)}
    offers = [("sales", evidence.sales_label(evidence.sales_item(held)), ("sales", 0) in linked)]
    made = [evidence.quality_item(q) for q in held.quality]
    made += [evidence.batch_item(b) for b in held.batches[:MAX_BATCH_OFFERS]]
    offered = {evidence.link_key(item) for item in made}
    made += [item for key, item in linked.items() if key not in offered and key[0] != "sales"]
    for item in made:
        kind, key = evidence.link_key(item)
        offers.append((f"{kind}:{key}", evidence.label(item), (kind, key) in linked))
    return offers
