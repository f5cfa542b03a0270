"""The office's producers: find one (no accents needed), add one, correct one.

The forms build the API's ``ProducerIn`` / ``ProducerPatch`` and call the catalog services;
the code is made from the name, the place is picked (province, then commune, either map).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog import cache, photos, schemas, services
from shop.catalog.models import Producer, Product
from shop.errors import NotFound
from shop.geo import services as geo
from shop.geo.models import Place
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import percent_to_bp
from shop.office import forms
from shop.office.forms import Form
from shop.storefront.catalog_pages import producer_kinds
from shop.text import fold, search_terms

PAGE_SIZE = 50
FIELDS = (
    "name",
    "kind",
    "tax_code",
    "province",
    "commune",
    "address",
    "phone",
    "email",
    "website",
    "story",
    "commission",
    "active",
)
# The service's field → the form's.
NAMES = {
    "code": "name",
    "name": "name",
    "kind": "kind",
    "tax_code": "tax_code",
    "place": "commune",
    "address": "address",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "story": "story",
    "commission_rate_bp": "commission",
}
OPTIONAL = ("tax_code", "address", "phone", "email", "website", "story")
Query = Annotated[str | None, Parameter(max_length=200)]
PageNumber = Annotated[int, Parameter(ge=1, le=100_000)]
DONE = {
    "created": N_("Producer added."),
    "saved": N_("Changes saved."),
    "photo_saved": N_("Photo saved."),
    "photo_removed": N_("Photo removed."),
}


def done_message(request: Request[Any, Any, Any]) -> str | None:
    message = DONE.get(request.query_params.get("done", ""))
    return gettext(message) if message else None


async def search(session: AsyncSession, q: str | None, kind: str | None) -> list[int]:
    """Producers whose name, code or tax code holds every word typed, accents ignored.

    A province has a few hundred producers (the national scale 6,000): their names are
    folded here rather than in SQL, which folds differently on SQLite and PostgreSQL.
    """
    stmt = sa.select(Producer.id, Producer.name, Producer.code, Producer.tax_code).order_by(
        Producer.name, Producer.id
    )
    if kind in producer_kinds():
        stmt = stmt.where(Producer.kind == kind)
    terms = search_terms(q)
    return [
        row.id
        for row in (await session.execute(stmt)).all()
        if all(t in fold(f"{row.name} {row.code} {row.tax_code or ''}") for t in terms)
    ]


def _checks(form: Form) -> None:
    """What a person needs told in words before the service's own checks."""
    if not form.get("name"):
        form.error("name", gettext(N_("Enter the name.")))
    if form.get("kind") not in producer_kinds():
        form.error("kind", gettext(N_("Choose the kind of producer.")))
    tax = form.get("tax_code")
    if tax and not (len(tax) in (10, 14) and tax[:10].isdigit() and (len(tax) == 10 or tax[10] == "-")):
        form.error("tax_code", gettext(N_("A tax code has 10 digits, or 13 as in 0101234567-001.")))
    email = form.get("email")
    if email and ("@" not in email or " " in email or email.startswith("@") or email.endswith("@")):
        form.error("email", gettext(N_("Enter an email address such as name@example.vn.")))


async def _payload(session: AsyncSession, form: Form) -> dict[str, Any]:
    _checks(form)
    place = forms.place_text(form, await forms.provinces_by_id(session))
    commission = percent_to_bp(form, "commission")
    return {
        "kind": form.get("kind"),
        "name": form.get("name"),
        "place": place,
        "commission_rate_bp": commission,
        **{name: form.get(name) or None for name in OPTIONAL},
    }


class OfficeProducerPages(Controller):
    path = "/office/producers"
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        q: Query = None,
        kind: Query = None,
        page: PageNumber = 1,
    ) -> Template:
        ids = await search(session, q, kind)
        shown = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows = await session.scalars(sa.select(Producer).where(Producer.id.in_(shown)))
        by_id = {p.id: p for p in rows}
        producers = [by_id[i] for i in shown if i in by_id]
        places = {
            p.id: p
            for p in await session.scalars(
                sa.select(Place).where(Place.id.in_([p.place_id for p in producers if p.place_id]))
            )
        }
        origins = await geo.origins_of(session, places.values())
        counts = dict(
            (
                await session.execute(
                    sa.select(Product.producer_id, sa.func.count())
                    .where(Product.producer_id.in_(shown))
                    .group_by(Product.producer_id)
                )
            ).all()
        )
        return Template(
            "office/producers.html",
            context={
                "producers": producers,
                "origins": origins,
                "counts": counts,
                "q": q or "",
                "kind": kind or "",
                "kinds": producer_kinds(),
                "total": len(ids),
                "page": page,
                "pages": max(1, -(-len(ids) // PAGE_SIZE)),
                "params": urlencode({"q": q or "", "kind": kind or ""}),
                "done": done_message(request),
            },
        )

    @get("/new")
    async def new(self, session: AsyncSession) -> Template:
        return await self._form(session, Form(values={"kind": "cooperative", "active": "1"}), None)

    @post("/new")
    async def create(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        form = forms.read(await request.form(), FIELDS)

        async def call() -> str | None:
            payload = await _payload(session, form)
            if not form.ok:
                return None
            payload["code"] = await services.new_producer_code(session, form.get("name") or "producer")
            producer = await services.create_producer(session, forms.convert(payload, schemas.ProducerIn))
            return producer.code

        code = await forms.attempt(session, form, call, NAMES)
        if code is None:
            return await self._form(session, form, None)
        await cache.commit(session)
        return Redirect(path=f"/office/producers/{code}?done=created", status_code=303)

    @get("/{code:str}")
    async def edit(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Template:
        producer = await find_by_code(session, code)
        return await producer_page(session, producer, done=done_message(request))

    @post("/{code:str}")
    async def update(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        producer = await find_by_code(session, code)
        form = forms.read(await request.form(), FIELDS)

        async def call() -> bool:
            payload = await _payload(session, form)
            if not form.ok:
                return False
            empty = [name for name, value in payload.items() if value is None]
            patch = {k: v for k, v in payload.items() if v is not None} | {
                "is_active": form.get("active") == "1"
            }
            await services.update_producer(
                session, producer.id, forms.convert(patch, schemas.ProducerPatch), clear=empty
            )
            return True

        if not await forms.attempt(session, form, call, NAMES):
            return await self._form(session, form, producer)
        await cache.commit(session)
        return Redirect(path=f"/office/producers/{producer.code}?done=saved", status_code=303)

    async def _form(self, session: AsyncSession, form: Form, producer: Producer | None) -> Template:
        return await producer_page(session, producer, form=form)


async def producer_page(
    session: AsyncSession,
    producer: Producer | None,
    *,
    form: Form | None = None,
    done: str | None = None,
    photo_error: str | None = None,
) -> Template:
    """The producer's screen (or a new producer's form): its fields as stored unless a
    refused form is given, its photo, its products."""
    if form is None:
        form = Form(values=await _values(session, producer) if producer else {})
    products = (
        list(
            await session.scalars(
                sa.select(Product).where(Product.producer_id == producer.id).order_by(Product.name)
            )
        )
        if producer
        else []
    )
    return Template(
        "office/producer_form.html",
        context={
            "form": form,
            "producer": producer,
            "products": products,
            "picture": await photos.producer_picture(session, producer.id) if producer else None,
            "photo_error": photo_error,
            "kinds": producer_kinds(),
            "provinces": await forms.province_choices(session),
            "done": done,
        },
        status_code=422 if photo_error else 200 if form.ok else form.status,
    )


async def _values(session: AsyncSession, producer: Producer) -> dict[str, str]:
    """The form's fields as the producer stands."""
    return {
        "name": producer.name,
        "kind": producer.kind.value,
        "commission": _percent(producer.commission_rate_bp),
        "active": "1" if producer.is_active else "",
        **{name: getattr(producer, name) or "" for name in OPTIONAL},
        **await forms.place_fields(session, producer.place_id),
    }


class OfficePlacePages(Controller):
    """What the commune field offers once a province is chosen (read by office.js)."""

    path = "/office/places"
    include_in_schema = False
    guards = (requires_admin,)

    @get("/{province_id:int}/communes")
    async def communes(
        self, session: AsyncSession, province_id: Annotated[int, Parameter(ge=1, le=2_147_483_647)]
    ) -> list[str]:
        return await forms.commune_labels(session, province_id)


async def find_by_code(session: AsyncSession, code: str) -> Producer:
    producer = await session.scalar(sa.select(Producer).where(Producer.code == code))
    if producer is None:
        raise NotFound(N_("No producer {key}."), key=code)
    return producer


def _percent(bp: int | None) -> str:
    if bp is None:
        return ""
    return f"{bp / 100:g}".replace(".", ",")
