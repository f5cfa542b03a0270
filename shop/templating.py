"""The one Jinja2 environment of the pages and the emails: template folders, filters, gettext.

It sits beside ``i18n`` below every domain, so an email written by a rule (``mail.render``)
and a page share their filters without the rule importing the web layer.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    pass_context,
    select_autoescape,
)
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup, escape

from shop import i18n
from shop.media.naming import Picture, Size

SHOP_DIR = Path(__file__).resolve().parent
_DOMAINS = (
    "catalog",
    "accounts",
    "geo",
    "inventory",
    "till",
    "storefront",
    "orders",
    "invoices",
    "payments",
    "settlement",
    "trace",
    "reports",
    "office",
    "evaluation",
    "programme",
)


def as_picture(image: Any) -> Picture:
    """What ``_picture.html`` draws: a stored photo (``Picture``), or a photo as the catalog
    answers it (``PhotoOut``: the same digest, dimensions and description)."""
    if isinstance(image, Picture):
        return image
    return Picture(image.digest, image.width, image.height, image.alt)


# What ``_picture.html`` draws is written here in Python, its macros only call these: a list
# page draws 24 photos, and as nested macros they took most of its rendering time.

# The largest size each use offers: a card never needs more than 480 px, even at 3x (a card is
# half a phone wide), and the page size covers a phone's full width; zoom is a link of its own.
LARGEST: dict[Size, Size] = {"thumb": "card", "card": "card", "page": "page", "zoom": "zoom"}


def picture_tag(
    image: Any,
    size: Size = "card",
    sizes: str = "100vw",
    alt: str = "",
    loading: str = "lazy",
    class_: str = "",
    priority: str | None = None,
) -> Markup:
    """Every derived size in WebP, with JPEG for browsers that do not read it; the browser picks
    the width it needs from ``sizes``. width and height reserve the photo's place, so nothing
    jumps while it loads. ``image`` is a media Picture or a catalog PhotoOut."""
    p = as_picture(image)
    width, height = p.dimensions(size)
    largest = LARGEST[size]
    opening = f'<picture class="{escape(class_)}">' if class_ else "<picture>"
    widths = escape(sizes)
    fetch = f' fetchpriority="{escape(priority)}"' if priority else ""
    # Every value is escaped here, as the template would: f-strings, three times quicker than
    # Markup.format for the 24 photos of a list.
    return Markup(  # noqa: S704
        f'{opening}<source type="image/webp" srcset="{escape(p.srcset("webp", largest))}" sizes="{widths}">'
        f'<img src="{escape(p.url(size, "jpg"))}" srcset="{escape(p.srcset("jpg", largest))}"'
        f' sizes="{widths}" alt="{escape(alt)}" width="{width:d}" height="{height:d}"'
        f' loading="{escape(loading)}" decoding="async"{fetch}></picture>'
    )


def placeholder_tag(name: str | None, group: str | None = "", class_: str = "") -> Markup:
    """When there is no photo: a block tinted by the product's OCOP group with the first letter
    of its name, so a list stays tidy and nothing looks broken."""
    tone = escape((group or "none").split("-")[0])
    extra = f" {escape(class_)}" if class_ else ""
    initial = escape((name or "·")[:1].upper())
    return Markup(  # noqa: S704 - every value escaped
        f'<span class="pic pic-empty tone-{tone}{extra}" aria-hidden="true">'
        f'<span class="initial">{initial}</span></span>'
    )


def product_image_tag(
    product: Any,
    size: Size = "card",
    sizes: str = "100vw",
    alt: str = "",
    loading: str = "lazy",
    priority: str | None = None,
) -> Markup:
    """A product (a catalog ProductSummary or ProductDetail) wherever it is listed: its main
    photo; else the address the office once typed (older data, its size unknown); else a
    placeholder."""
    if product.image:
        return picture_tag(product.image, size, sizes, alt, loading, "pic", priority)
    url = product.image_url
    if url and url.startswith(("https://", "http://", "/")):
        return Markup(  # noqa: S704 - every value escaped
            f'<span class="pic"><img src="{escape(url)}" alt="{escape(alt)}" loading="{escape(loading)}"'
            ' decoding="async" referrerpolicy="no-referrer"></span>'
        )
    return placeholder_tag(product.name, product.group.code)


# Jinja's newstyle gettext and ngettext, with the same output, called directly: Jinja's own go
# through an alias and call the catalog through the context again, and a page calls them some
# fifty times (a seventh of a product page's rendering). A text without variables, the most
# common, is escaped and formatted once per language.


@lru_cache(maxsize=4096)
def _constant(language: str, message: str) -> Markup:
    return Markup(i18n.translate_in(language, message)) % {}  # noqa: S704 - a catalog's text


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> str:
    if not context.eval_ctx.autoescape:
        return i18n.gettext(message) % variables
    if not variables:
        return _constant(i18n.current_language(), message)
    return Markup(i18n.gettext(message)) % variables  # noqa: S704 - the values are escaped by %


@pass_context
def _ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = i18n.ngettext(singular, plural, num)
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704


class _Environment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as a plain dict, not Jinja's ChainMap over the environment's:
        every ``{% from … import … %}`` compares them with the page's, in Python through a
        ChainMap (about a twentieth of the checkout form's time), in C through a dict. The
        environment's globals are all set before a template loads (``build_environment``,
        then Litestar's callables as the app is made)."""
        return {**self.globals, **(d or {})}


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in a folder, shared by the workers and kept across
    restarts: a template is compiled once, then each worker loads its code. Compiling in every
    worker cost each about 1.5 MiB that it kept (the parser's garbage), and the first request
    to each page its compile time.

    Jinja keys a file by the template's name and source; the file's name here adds
    ``_fingerprint`` of the environment, so an upgrade that changes how the code compiles
    (Jinja itself, a filter now given the context) never loads code compiled before it. A
    folder removed meanwhile is made again; an unreadable or damaged file is compiled again
    and replaced; a folder that cannot be written keeps nothing (templates compile in memory,
    as without it)."""

    def __init__(self, folder: Path, environment: Environment) -> None:
        super().__init__(str(folder), f"__jinja2_%s_{_fingerprint(environment)}.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()  # a file in the folder's place, a truncated or foreign file

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # not kept: the next process compiles it again


def _fingerprint(environment: Environment) -> str:
    """What a template's compiled code depends on besides its source: the Python and Jinja
    versions, the environment's options and extensions, and how each filter and test is called
    (Jinja compiles the context into a call to one marked ``pass_context``)."""
    calls = [
        (kind, name, str(getattr(function, "jinja_pass_arg", None)))
        for kind, functions in (("filter", environment.filters), ("test", environment.tests))
        for name, function in sorted(functions.items())
    ]
    options = (
        sys.version,
        jinja2.__version__,
        sorted(environment.extensions),
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.is_async,
        getattr(environment, "newstyle_gettext", None),
    )
    return hashlib.sha256(repr((options, calls)).encode()).hexdigest()[:16]


def build_environment(compiled: Path | None = None) -> Environment:
    """One shared environment; gettext callables read the per-request language. ``compiled``:
    a folder for the compiled templates (``_CompiledTemplates``)."""
    loaders = [FileSystemLoader(SHOP_DIR / "templates")]
    loaders += [FileSystemLoader(SHOP_DIR / d / "templates") for d in _DOMAINS]
    env = _Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html"], default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: no file stat per include (set OCOP_DEBUG=1 to edit live).
        auto_reload=os.environ.get("OCOP_DEBUG") == "1",
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext, npgettext=i18n.npgettext
    )
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
    env.filters["vnd"] = i18n.format_vnd
    env.filters["date"] = i18n.format_date
    env.filters["datetime"] = i18n.format_datetime
    env.filters["number"] = i18n.format_number
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["current_language"] = i18n.current_language
    env.globals["as_picture"] = as_picture
    env.globals["picture_tag"] = picture_tag
    env.globals["placeholder_tag"] = placeholder_tag
    env.globals["product_image_tag"] = product_image_tag
    if compiled is not None:  # last: its files are named after the filters and options above
        env.bytecode_cache = _CompiledTemplates(compiled, env)
    return env
