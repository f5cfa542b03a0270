"""``/api/v1/products/{id}/images`` and a producer's photo: the office for any product, a
cooperative for its own (anyone else is told the product does not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_role
from shop.accounts.models import Role
from shop.catalog import cache, photos, services
from shop.catalog.schemas import ImageUrls
from shop.errors import InvalidInput, field_error
from shop.i18n import N_
from shop.media import services as media
from shop.media.naming import Picture
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of_list
from shop.params import Id
from shop.settings import Settings

# The body of one upload: the photo and its form fields, with room over the file limit.
UPLOAD_BODY_LIMIT = 64 * 1024 * 1024


class ImageOut(msgspec.Struct):
    id: int
    position: int
    main: bool
    alt: dict[str, str]
    width: int
    height: int
    urls: ImageUrls


class ImageMove(msgspec.Struct, forbid_unknown_fields=True):
    position: Annotated[int, msgspec.Meta(ge=0, le=photos.MAX_PHOTOS)] | None = None
    alt: dict[str, Annotated[str, msgspec.Meta(max_length=photos.ALT_MAX)]] | None = None


@dataclass
class PhotoUpload:
    """``file`` the photo; ``alt_vi``, ``alt_en``… its description for people who cannot see it."""

    file: UploadFile
    alt_vi: str | None = None
    alt_en: str | None = None
    alt_ko: str | None = None
    alt_zh_Hans: str | None = None
    alt_ja: str | None = None
    alt_fr: str | None = None

    def alt(self) -> dict[str, str]:
        return {name[4:]: value for name, value in vars(self).items() if name.startswith("alt_") and value}


Upload = Annotated[PhotoUpload, Body(media_type=RequestEncodingType.MULTI_PART)]


def urls(picture: Picture) -> ImageUrls:
    return photos.image_urls(picture)


def image_out(photo: photos.ProductPhoto) -> ImageOut:
    p = photo.picture
    return ImageOut(photo.id, photo.position, photo.position == 0, photo.alt, p.width, p.height, urls(p))


def limits(settings: Settings) -> media.Limits:
    return media.Limits(settings.upload_max_bytes, settings.upload_max_pixels)


async def read_upload(upload: UploadFile, settings: Settings) -> bytes:
    """At most one byte over the limit is read: the rest of a huge file is never held."""
    data = await upload.read(settings.upload_max_bytes + 1)
    if not data:
        raise InvalidInput(errors=[field_error("file", N_("Choose a photo to upload."))])
    return data


def _owner(request: Request[Any, Any, Any]) -> int | None:
    """Whose products the caller may touch: None for the office (every producer's)."""
    user = actor(request)
    if user.is_admin:
        return None
    return user.producer_id or -1  # a cooperative account without a producer owns nothing


class ProductImageController(Controller):
    path = "/api/v1/products/{product_id:int}/images"
    tags = ("catalog",)
    guards = (requires_role(Role.cooperative),)
    security = ({"bearer": []},)

    @get("/", operation_id="listProductImages", summary="A product's photos, the main one first")
    async def list_images(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        product_id: Id,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[ImageOut]:
        await photos.check_product(session, product_id, _owner(request))
        images = [image_out(p) for p in await photos.product_photos(session, product_id)]
        return page_of_list(images, page=page, page_size=page_size)

    @post(
        "/",
        operation_id="addProductImage",
        summary="Upload a photo (JPEG, PNG, WebP or HEIC), added after the others",
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def add_image(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id, data: Upload
    ) -> ImageOut:
        settings: Settings = request.app.state.settings
        content = await read_upload(data.file, settings)
        photo_id = await photos.add_product_photo(
            session,
            request.app.state.media,
            limits(settings),
            product_id,
            content,
            alt=data.alt(),
            producer_id=_owner(request),
        )
        await cache.commit(session)
        return next(
            image_out(p) for p in await photos.product_photos(session, product_id) if p.id == photo_id
        )

    @patch(
        "/{image_id:int}",
        operation_id="updateProductImage",
        summary="Move a photo (0 = main) or edit its alt text",
    )
    async def update_image(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        product_id: Id,
        image_id: Id,
        data: ImageMove,
    ) -> list[ImageOut]:
        await photos.update_product_photo(
            session, product_id, image_id, position=data.position, alt=data.alt, producer_id=_owner(request)
        )
        await cache.commit(session)
        return [image_out(p) for p in await photos.product_photos(session, product_id)]

    @delete("/{image_id:int}", operation_id="deleteProductImage", summary="Delete a photo and its files")
    async def delete_image(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id, image_id: Id
    ) -> None:
        digest = await photos.delete_product_photo(session, product_id, image_id, producer_id=_owner(request))
        await cache.commit(session)
        if digest:
            await media.remove_files(request.app.state.media, digest)


class ProducerImageController(Controller):
    path = "/api/v1/producers/{key:str}/image"
    tags = ("catalog",)
    guards = (requires_admin,)
    security = ({"bearer": []},)

    @put(
        "/",
        operation_id="setProducerImage",
        summary="Replace the producer's photo",
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def set_image(
        self, request: Request[Any, Any, Any], session: AsyncSession, key: str, data: Upload
    ) -> ImageOut:
        settings: Settings = request.app.state.settings
        producer = await services.find_producer(session, _key(key))
        content = await read_upload(data.file, settings)
        old = await photos.set_producer_photo(
            session, request.app.state.media, limits(settings), producer.id, content
        )
        await cache.commit(session)
        if old:
            await media.remove_files(request.app.state.media, old)
        picture = await photos.producer_picture(session, producer.id)
        assert picture is not None  # just stored
        return ImageOut(0, 0, True, {}, picture.width, picture.height, urls(picture))

    @delete("/", operation_id="deleteProducerImage", summary="Remove the producer's photo")
    async def delete_image(self, request: Request[Any, Any, Any], session: AsyncSession, key: str) -> None:
        producer = await services.find_producer(session, _key(key))
        old = await photos.remove_producer_photo(session, producer.id)
        await cache.commit(session)
        if old:
            await media.remove_files(request.app.state.media, old)


def _key(value: str) -> int | str:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value
