"""The office's products: the list with search and filters, add and edit (producer, group
and unit picked; translations side by side), and the product's page with its certificates.

The forms build the API's ``ProductIn`` / ``ProductPatch`` and call the catalog services,
which make the slug, the trace code and the search text; nobody types those.
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
from shop.catalog import cache, photo_forms, schemas, services
from shop.catalog.groups import CRITERIA_148
from shop.catalog.models import Producer, Product, ProductGroup, ProductTranslation
from shop.errors import NotFound
from shop.i18n import N_, current_language, gettext
from shop.office import forms, listing
from shop.office.forms import Form
from shop.office.views import (
    certificate_labels,
    council_labels,
    language_name,
    product_view,
    status_labels,
)
from shop.params import Id
from shop.storefront.catalog_pages import producer_kinds
from shop.text import fold

TRANSLATED = ("en", "ko", "zh_Hans", "ja", "fr")
FIELDS = (
    "producer",
    "group",
    "name",
    "description",
    "unit",
    "price",
    "pack_size",
    "gtin",
    "shelf_life",
    "image_url",
    "origin_province",
    "origin_commune",
    "active",
    *(f"{part}_{lang}" for lang in TRANSLATED for part in ("name", "description")),
)
NAMES = {
    "producer_code": "producer",
    "group_code": "group",
    "name": "name",
    "description": "description",
    "unit": "unit",
    "price_vnd": "price",
    "pack_size": "pack_size",
    "gtin": "gtin",
    "shelf_life_days": "shelf_life",
    "image_url": "image_url",
    "origin": "origin_commune",
    "translations": "translations",
}
OPTIONAL = ("description", "pack_size", "gtin", "image_url")
UNITS = ("gói", "hộp", "chai", "lọ", "hũ", "túi", "kg", "bó", "cái", "bộ", "sản phẩm")
Query = Annotated[str | None, Parameter(max_length=200)]
DONE = {
    "created": N_("Product added. Issue its OCOP certificate below to put it on sale."),
    "saved": N_("Changes saved."),
    "certified": N_("Certificate recorded: the product is on sale while it is in force."),
    "certified_history": N_("Recorded in the history: a newer decision stays in force."),
    "certified_expired": N_("Recorded as expired: its validity has already ended."),
    "revoked": N_("Certificate revoked: the product has left the storefront and the tills."),
}


def producer_label(producer: Producer) -> str:
    """How the producer field writes a producer (and offers it in its list)."""
    return f"{producer.name} · {producer.code}"


async def find_producer(session: AsyncSession, form: Form) -> Producer | None:
    """The producer typed or picked: "Name · CODE", a code, or a name that only one has."""
    text = form.get("producer")
    if not text:
        form.error("producer", gettext(N_("Choose the producer.")))
        return None
    code = text.rsplit(" · ", 1)[-1].strip()
    found = await session.scalar(sa.select(Producer).where(Producer.code == code))
    if found is None:
        named = [
            p
            for p in await session.scalars(sa.select(Producer).where(Producer.is_active.is_(True)))
            if fold(p.name) == fold(text)
        ]
        found = named[0] if len(named) == 1 else None
    if found is None:
        form.error("producer", gettext(N_("Pick the producer from the list (type part of its name).")))
    return found


async def group_choices(session: AsyncSession) -> list[tuple[str, list[tuple[str, str]]]]:
    """The product groups of the criteria in force, sub-groups under their group."""
    rows = list(
        await session.scalars(
            sa.select(ProductGroup)
            .where(ProductGroup.criteria_version == CRITERIA_148)
            .order_by(ProductGroup.id)
        )
    )
    vi = current_language() == "vi"
    parents = [g for g in rows if g.parent_id is None]
    return [
        (
            parent.name if vi else parent.name_en,
            [(g.code, g.name if vi else g.name_en) for g in rows if g.parent_id == parent.id],
        )
        for parent in parents
    ]


async def unit_choices(session: AsyncSession) -> list[str]:
    used = await session.scalars(sa.select(Product.unit).distinct().order_by(Product.unit).limit(200))
    return sorted(set(UNITS) | set(used))


def _translations(form: Form) -> list[dict[str, Any]]:
    out = []
    for lang in TRANSLATED:
        name, description = form.get(f"name_{lang}"), form.get(f"description_{lang}")
        if description and not name:
            form.error(f"name_{lang}", gettext(N_("Give the name in this language too.")))
        if name:
            out.append({"language": lang, "name": name, "description": description or None})
    return out


def _checks(form: Form) -> None:
    if not form.get("name"):
        form.error("name", gettext(N_("Enter the name.")))
    if not form.get("unit"):
        form.error("unit", gettext(N_("Choose or type the unit it is sold by.")))
    if not form.get("price"):
        form.error("price", gettext(N_("Enter the retail price in đồng.")))
    gtin = form.get("gtin")
    if gtin and not (gtin.isascii() and gtin.isdigit() and len(gtin) in (8, 12, 13, 14)):
        form.error("gtin", gettext(N_("A barcode has 8, 12, 13 or 14 digits.")))


async def _payload(session: AsyncSession, form: Form, *, group_required: bool) -> dict[str, Any]:
    _checks(form)
    if group_required and not form.get("group"):
        form.error("group", gettext(N_("Choose the product group.")))
    origin = forms.place_text(form, await forms.provinces_by_id(session), prefix="origin_")
    return {
        "group_code": form.get("group") or None,
        "name": form.get("name"),
        "unit": form.get("unit"),
        "price_vnd": forms.whole(form, "price", maximum=10_000_000_000),
        "shelf_life_days": forms.whole(form, "shelf_life", minimum=1, maximum=36500),
        "origin": origin,
        "translations": _translations(form),
        **{name: form.get(name) or None for name in OPTIONAL},
    }


class OfficeProductPages(Controller):
    path = "/office/products"
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        q: Query = None,
        province: Query = None,
        group: Query = None,
        stars: Query = None,
        status: Query = None,
        page: Annotated[int, Parameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        wanted = listing.Filters(q=q, province=province, group=group, stars=stars, status=status)
        found = await listing.products(session, wanted, page=page)
        return Template(
            "office/products.html",
            context={
                "found": found,
                "filters": wanted,
                "params": urlencode({k: v or "" for k, v in vars(wanted).items()}),
                "statuses": status_labels(),
                "groups": await group_choices(session),
                "provinces": await forms.province_choices(session),
                "done": _done(request),
            },
        )

    @get("/new")
    async def new(self, session: AsyncSession, producer: Query = None) -> Template:
        chosen = await session.scalar(sa.select(Producer).where(Producer.code == (producer or "")))
        values = {"producer": producer_label(chosen) if chosen else "", "unit": "", "active": "1"}
        return await self._form(session, Form(values=values), None)

    @post("/new")
    async def create(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        form = forms.read(await request.form(), FIELDS)

        async def call() -> int | None:
            producer = await find_producer(session, form)
            payload = await _payload(session, form, group_required=True)
            if not form.ok or producer is None:
                return None
            payload = {k: v for k, v in payload.items() if v is not None} | {"producer_code": producer.code}
            product = await services.create_product(session, forms.convert(payload, schemas.ProductIn))
            return product.id

        product_id = await forms.attempt(session, form, call, NAMES)
        if product_id is None:
            return await self._form(session, form, None)
        await cache.commit(session)
        return Redirect(path=f"/office/products/{product_id}?done=created", status_code=303)

    @get("/{product_id:int}")
    async def detail(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id
    ) -> Template:
        product = await product_or_404(session, product_id)
        return await product_page(session, product, done=_done(request))

    @get("/{product_id:int}/edit")
    async def edit(self, session: AsyncSession, product_id: Id) -> Template:
        product = await product_or_404(session, product_id)
        group = await session.get(ProductGroup, product.group_id)
        values = {
            "name": product.name,
            "group": group.code if group else "",
            "unit": product.unit,
            "price": str(product.price_vnd),
            "shelf_life": str(product.shelf_life_days or ""),
            "active": "1" if product.is_active else "",
            **{name: getattr(product, name) or "" for name in OPTIONAL},
            **await forms.place_fields(session, product.origin_place_id, prefix="origin_"),
        }
        for row in await session.scalars(
            sa.select(ProductTranslation).where(ProductTranslation.product_id == product.id)
        ):
            values |= {f"name_{row.language}": row.name, f"description_{row.language}": row.description or ""}
        return await self._form(session, Form(values=values), product)

    @post("/{product_id:int}/edit")
    async def update(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id
    ) -> Template | Redirect:
        product = await product_or_404(session, product_id)
        form = forms.read(await request.form(), FIELDS)

        async def call() -> bool:
            payload = await _payload(session, form, group_required=True)
            if not form.ok:
                return False
            empty = [k for k, v in payload.items() if v is None] + ["shelf_life_days"] * (
                not form.get("shelf_life")
            )
            patch = {k: v for k, v in payload.items() if v is not None} | {
                "is_active": form.get("active") == "1"
            }
            await services.update_product(
                session, product.id, forms.convert(patch, schemas.ProductPatch), clear=empty
            )
            return True

        if not await forms.attempt(session, form, call, NAMES):
            return await self._form(session, form, product)
        await cache.commit(session)
        return Redirect(path=f"/office/products/{product.id}?done=saved", status_code=303)

    async def _form(self, session: AsyncSession, form: Form, product: Product | None) -> Template:
        producers = list(
            await session.scalars(
                sa.select(Producer).where(Producer.is_active.is_(True)).order_by(Producer.name).limit(5000)
            )
        )
        maker = await session.get(Producer, product.producer_id) if product else None
        return Template(
            "office/product_form.html",
            context={
                "form": form,
                "product": product,
                "maker": maker,
                "producers": [producer_label(p) for p in producers],
                "groups": await group_choices(session),
                "units": await unit_choices(session),
                "provinces": await forms.province_choices(session),
                "translated": [(lang, language_name(lang)) for lang in TRANSLATED],
                "kinds": producer_kinds(),
                "language_name": language_name,
            },
            status_code=200 if form.ok else form.status,
        )


async def product_or_404(session: AsyncSession, product_id: int) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound(N_("No product {key}."), key=product_id)
    return product


def _done(request: Request[Any, Any, Any]) -> str | None:
    message = DONE.get(request.query_params.get("done", ""))
    return gettext(message) if message else None


async def product_page(
    session: AsyncSession,
    product: Product,
    *,
    form: Form | None = None,
    done: str | None = None,
) -> Template:
    """The product's page: what it is, its certificate in force, its history, and the form
    to issue or renew (with the errors of a refused attempt)."""
    view = await product_view(session, product)
    form = form or Form(values=view.certificate_defaults)
    return Template(
        "office/product.html",
        context={
            "view": view,
            "photos": await photo_forms.shown(session, product.id, product.name),
            "form": form,
            "done": done,
            "labels": certificate_labels(),
            "statuses": status_labels(),
            "councils": council_labels(),
        },
        status_code=200 if form.ok else form.status,
    )
