"""What the office's and the cooperative's photo screens share: the files of one form added
one by one, a photo moved, described or deleted from a form's buttons and fields, one photo
of a producer or a location taken from a form, and the messages the page shows after.

The screens are plain HTML forms, so they work on any phone without a script. A refused
file is named with its reason in the person's language; the files before and after it are
kept (each one is added in a savepoint of its own). Each write commits through the catalog's
cache, as the API does, and a deleted photo's files go after the commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from litestar import Request
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor
from shop.catalog import cache, photos
from shop.catalog.models import Product, ProductImage
from shop.catalog.photos_api import limits, read_upload
from shop.errors import InvalidInput
from shop.i18n import LANGUAGES, N_, current_language, gettext, ngettext
from shop.media import services as media
from shop.media.models import StoredImage
from shop.media.naming import Picture
from shop.media.storage import Storage
from shop.settings import Settings

ALT_FIELDS = tuple(f"alt_{language}" for language in LANGUAGES)
DONE = {
    "main": N_("Main photo changed: the storefront and the till show it first."),
    "moved": N_("Order saved."),
    "described": N_("Description saved."),
    "deleted": N_("Photo deleted."),
    "replaced": N_("Photo saved."),
    "removed": N_("Photo removed."),
}


@dataclass
class Uploaded:
    """What one upload form did: the photos added, in order, and the files refused."""

    added: list[int] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def message(self) -> str | None:
        return added_message(len(self.added))


@dataclass(frozen=True, slots=True)
class Shown:
    """A photo as the screens list it: its place, the words shown, the alt text to edit."""

    id: int
    index: int
    last: bool
    picture: Picture
    alt: dict[str, str]
    label: str  # the alt text in the reader's language, else Vietnamese, else the product's name


def owner(request: Request[Any, Any, Any]) -> int | None:
    """Whose products the screen may touch: None for the office (every producer's)."""
    user = actor(request)
    if user.is_admin:
        return None
    return user.producer_id or -1  # a cooperative account without a producer owns nothing


def added_message(count: int) -> str | None:
    if count <= 0:
        return None
    return ngettext("%(num)d photo added.", "%(num)d photos added.", count) % {"num": count}


def notice(request: Request[Any, Any, Any]) -> str | None:
    """The message of ``?done=`` or ``?added=`` after a write (POST → redirect → GET)."""
    added = request.query_params.get("added", "")
    if added.isascii() and added.isdigit() and len(added) <= 2:
        return added_message(int(added))
    message = DONE.get(request.query_params.get("done", ""))
    return gettext(message) if message else None


def files_of(form: FormMultiDict) -> list[UploadFile]:
    """The files sent in the form's ``file`` field."""
    return [value for value in form.getall("file", []) if isinstance(value, UploadFile)]


def _refusal(upload: UploadFile | None, refused: InvalidInput) -> str:
    """The reason, after the file's name when it has one: "IMG_0412.HEIC: …"."""
    name = upload.filename if upload is not None else ""
    return f"{name}: {refused.first_message}" if name else refused.first_message


async def upload(
    request: Request[Any, Any, Any], session: AsyncSession, product_id: int, *, producer_id: int | None
) -> Uploaded:
    """Each file of the form added after the product's photos, in the order picked."""
    await photos.check_product(session, product_id, producer_id)
    settings: Settings = request.app.state.settings
    picked: list[UploadFile | None] = [*files_of(await request.form())] or [None]
    done = Uploaded()
    for one in picked:
        try:
            async with session.begin_nested():
                if one is None:
                    raise InvalidInput(N_("Choose a photo to upload."))
                data = await read_upload(one, settings)
                photo_id = await photos.add_product_photo(
                    session,
                    request.app.state.media,
                    limits(settings),
                    product_id,
                    data,
                    producer_id=producer_id,
                )
            done.added.append(photo_id)
        except InvalidInput as refused:
            done.refused.append(_refusal(one, refused))
    await cache.commit(session)
    return done


def _position(form: FormMultiDict) -> int | None:
    """The place a move button asks for (0 is the main photo); None when it names none."""
    text = str(form.get("position") or "")
    if text.isascii() and text.isdigit() and len(text) <= 3:
        return min(int(text), photos.MAX_PHOTOS)
    return None


async def change(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    product_id: int,
    photo_id: int,
    *,
    producer_id: int | None,
) -> str:
    """A move (the ``position`` button pressed) or a description (the ``alt_*`` fields, an
    empty one removing that language); answers the ``done`` code of what it was."""
    form = await request.form()
    position = _position(form)
    if position is not None:
        await photos.update_product_photo(
            session, product_id, photo_id, position=position, producer_id=producer_id
        )
    else:
        alt = {name[4:]: str(form.get(name) or "") for name in ALT_FIELDS if name in form}
        await photos.update_product_photo(session, product_id, photo_id, alt=alt, producer_id=producer_id)
    await cache.commit(session)
    if position is None:
        return "described"
    return "main" if position == 0 else "moved"


async def delete(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    product_id: int,
    photo_id: int,
    *,
    producer_id: int | None,
) -> None:
    digest = await photos.delete_product_photo(session, product_id, photo_id, producer_id=producer_id)
    await cache.commit(session)
    if digest:
        await media.remove_files(request.app.state.media, digest)


async def one_file(request: Request[Any, Any, Any]) -> bytes:
    """The one photo of a producer's or a location's form (the first file picked)."""
    files = files_of(await request.form())
    if not files:
        raise InvalidInput(N_("Choose a photo to upload."))
    data: bytes = await read_upload(files[0], request.app.state.settings)
    return data


async def replace(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    store: Callable[[Storage, media.Limits, bytes], Awaitable[str | None]],
) -> str | None:
    """One photo (a producer's, a location's) replaced by the form's file with ``store``,
    which answers the old photo's digest; None when saved, else the refusal to show."""
    settings: Settings = request.app.state.settings
    try:
        async with session.begin_nested():
            old = await store(request.app.state.media, limits(settings), await one_file(request))
    except InvalidInput as refused:
        return refused.first_message
    await cache.commit(session)
    if old:
        await media.remove_files(request.app.state.media, old)
    return None


async def forget(
    request: Request[Any, Any, Any], session: AsyncSession, remove: Callable[[], Awaitable[str | None]]
) -> None:
    """One photo removed with ``remove`` (answering its digest), its files after the commit."""
    old = await remove()
    await cache.commit(session)
    if old:
        await media.remove_files(request.app.state.media, old)


async def counts(session: AsyncSession, product_ids: list[int]) -> dict[int, tuple[Picture | None, int]]:
    """Each product's main photo and how many photos it has, in two queries (a list page)."""
    if not product_ids:
        return {}
    numbers: dict[int, int] = {
        product_id: count
        for product_id, count in await session.execute(
            sa.select(ProductImage.product_id, sa.func.count())
            .where(ProductImage.product_id.in_(product_ids))
            .group_by(ProductImage.product_id)
        )
    }
    mains = {
        product_id: media.picture(image)
        for product_id, image in (
            await session.execute(
                sa.select(Product.id, StoredImage)
                .join(StoredImage, StoredImage.id == Product.main_image_id)
                .where(Product.id.in_(product_ids))
            )
        )
    }
    return {i: (mains.get(i), numbers.get(i, 0)) for i in product_ids}


async def shown(session: AsyncSession, product_id: int, name: str) -> list[Shown]:
    listed = await photos.product_photos(session, product_id)
    language = current_language()
    return [
        Shown(
            id=p.id,
            index=i,
            last=i == len(listed) - 1,
            picture=p.picture,
            alt=p.alt,
            label=p.alt.get(language) or p.alt.get("vi") or name,
        )
        for i, p in enumerate(listed)
    ]


async def photos_page(
    session: AsyncSession,
    product: Product,
    template: str,
    *,
    done: str | None = None,
    uploaded: Uploaded | None = None,
) -> Template:
    """A product's photos screen; after a refused upload, what was added and what was not."""
    refused = uploaded.refused if uploaded else []
    return Template(
        template,
        context={
            "product": product,
            "photos": await shown(session, product.id, product.name),
            "done": uploaded.message if uploaded else done,
            "refused": refused,
            "max_photos": photos.MAX_PHOTOS,
        },
        status_code=422 if refused else 200,
    )
