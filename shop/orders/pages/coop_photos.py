"""A cooperative's photos of its own products, on its phone: one big button takes or chooses
a photo (the phone offers its camera), the photo shows at once; the main one is chosen, the
others reordered, described and deleted. Another producer's product answers 404.

The same forms and services as the office's screen (``catalog.photo_forms``); plain forms, so
they work without a script."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_role
from shop.accounts.models import Role
from shop.catalog import photo_forms, photos
from shop.catalog.models import Product
from shop.catalog.photos_api import UPLOAD_BODY_LIMIT
from shop.errors import NotFound
from shop.i18n import N_
from shop.params import Id


async def own_product(request: Request[Any, Any, Any], session: AsyncSession, product_id: int) -> Product:
    """The product if it is the cooperative's own (the office: any); else 404."""
    await photos.check_product(session, product_id, photo_forms.owner(request))
    product = await session.get(Product, product_id)
    if product is None:  # checked just above; for the type checker
        raise NotFound(N_("No product {key}."), key=product_id)
    return product


def _path(product_id: int, query: str = "") -> str:
    return f"/coop/products/{product_id}/photos{query}"


class CoopPhotoPages(Controller):
    path = "/coop/products/{product_id:int}/photos"
    include_in_schema = False
    guards = (requires_role(Role.cooperative),)

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id) -> Template:
        product = await own_product(request, session, product_id)
        return await photo_forms.photos_page(
            session, product, "coop/product_photos.html", done=photo_forms.notice(request)
        )

    @post("/", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def upload(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id
    ) -> Template | Redirect:
        product = await own_product(request, session, product_id)
        uploaded = await photo_forms.upload(
            request, session, product.id, producer_id=photo_forms.owner(request)
        )
        if uploaded.refused:
            return await photo_forms.photos_page(
                session, product, "coop/product_photos.html", uploaded=uploaded
            )
        query = f"?added={len(uploaded.added)}#photo-{uploaded.added[-1]}"
        return Redirect(path=_path(product.id, query), status_code=303)

    @post("/{photo_id:int}")
    async def change(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id, photo_id: Id
    ) -> Redirect:
        owner = photo_forms.owner(request)
        done = await photo_forms.change(request, session, product_id, photo_id, producer_id=owner)
        return Redirect(path=_path(product_id, f"?done={done}#photo-{photo_id}"), status_code=303)

    @post("/{photo_id:int}/delete")
    async def delete(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id, photo_id: Id
    ) -> Redirect:
        owner = photo_forms.owner(request)
        await photo_forms.delete(request, session, product_id, photo_id, producer_id=owner)
        return Redirect(path=_path(product_id, "?done=deleted"), status_code=303)
