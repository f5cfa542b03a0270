"""The office's photo screens: a product's photos (upload several at once, choose the main
one, reorder, describe in each language, delete) and a producer's one photo.

The forms call the catalog's photo services, as the API does; a refused file is told on the
page in the person's language and the other files are kept."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog import photo_forms, photos
from shop.catalog.photos_api import UPLOAD_BODY_LIMIT
from shop.office.producers import find_by_code, producer_page
from shop.office.products import product_or_404
from shop.params import Id


class OfficeProductPhotoPages(Controller):
    path = "/office/products/{product_id:int}/photos"
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id) -> Template:
        product = await product_or_404(session, product_id)
        return await photo_forms.photos_page(
            session, product, "office/product_photos.html", done=photo_forms.notice(request)
        )

    @post("/", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def upload(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id
    ) -> Template | Redirect:
        product = await product_or_404(session, product_id)
        uploaded = await photo_forms.upload(request, session, product.id, producer_id=None)
        if uploaded.refused:
            return await photo_forms.photos_page(
                session, product, "office/product_photos.html", uploaded=uploaded
            )
        return Redirect(
            path=f"/office/products/{product.id}/photos?added={len(uploaded.added)}#photo-{uploaded.added[-1]}",
            status_code=303,
        )

    @post("/{photo_id:int}")
    async def change(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id, photo_id: Id
    ) -> Redirect:
        done = await photo_forms.change(request, session, product_id, photo_id, producer_id=None)
        return Redirect(
            path=f"/office/products/{product_id}/photos?done={done}#photo-{photo_id}", status_code=303
        )

    @post("/{photo_id:int}/delete")
    async def delete(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id, photo_id: Id
    ) -> Redirect:
        await photo_forms.delete(request, session, product_id, photo_id, producer_id=None)
        return Redirect(path=f"/office/products/{product_id}/photos?done=deleted", status_code=303)


class OfficeProducerPhotoPages(Controller):
    """The producer's one photo, shown and changed on the producer's screen."""

    path = "/office/producers/{code:str}/photo"
    include_in_schema = False
    guards = (requires_admin,)

    @post("/", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def replace(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        producer = await find_by_code(session, code)
        refused = await photo_forms.replace(
            request,
            session,
            lambda storage, limits, data: photos.set_producer_photo(
                session, storage, limits, producer.id, data
            ),
        )
        if refused:
            return await producer_page(session, producer, photo_error=refused)
        return Redirect(path=f"/office/producers/{producer.code}?done=photo_saved#photo", status_code=303)

    @post("/remove")
    async def remove(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Redirect:
        producer = await find_by_code(session, code)
        await photo_forms.forget(
            request, session, partial(photos.remove_producer_photo, session, producer.id)
        )
        return Redirect(path=f"/office/producers/{producer.code}?done=photo_removed#photo", status_code=303)
