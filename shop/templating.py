"""The one Jinja2 environment of the pages and the emails: template folders, filters, gettext.

It sits beside ``i18n`` below every domain, so an email written by a rule (``mail.render``)
and a page share their filters without the rule importing the web layer.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from shop import i18n
from shop.media.naming import Picture

SHOP_DIR = Path(__file__).resolve().parent
_DOMAINS = (
    "catalog",
    "accounts",
    "geo",
    "inventory",
    "till",
    "storefront",
    "orders",
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


def build_environment() -> Environment:
    """One shared environment; gettext callables read the per-request language."""
    loaders = [FileSystemLoader(SHOP_DIR / "templates")]
    loaders += [FileSystemLoader(SHOP_DIR / d / "templates") for d in _DOMAINS]
    env = Environment(
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
    env.filters["vnd"] = i18n.format_vnd
    env.filters["date"] = i18n.format_date
    env.filters["datetime"] = i18n.format_datetime
    env.filters["number"] = i18n.format_number
    env.globals["languages"] = i18n.LANGUAGES
    env.globals["current_language"] = i18n.current_language
    env.globals["as_picture"] = as_picture
    return env
