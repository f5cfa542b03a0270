"""Catalog maintenance for ``make locales`` and the staleness test.

``extract()`` reads the UI strings from the sources exactly as ``pybabel extract`` would;
``update()`` writes ``messages.pot`` and merges it into every language's catalog. English
msgids are the source text, so the English catalog is filled with them. ``compile()`` writes
each catalog's ``messages.mo`` beside it, which the app reads (``shop.i18n.translations_for``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from shop.i18n import LANGUAGES, LOCALES_DIR, compile_catalog

ROOT = LOCALES_DIR.parent
SOURCE_DIRS = ("shop", "admin")
KEYWORDS = {
    "_": None,
    "_l": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
_JINJA = {"encoding": "utf-8", "extensions": "jinja2.ext.i18n"}
OPTIONS = {"**/templates/**.html": _JINJA, "**/templates/**.txt": _JINJA}
_SKIP = {"i18n.py", "i18n_tools.py"}  # they define gettext & co., they do not use them


def extract() -> Catalog:
    catalog = Catalog(project="OCOP Market", charset="utf-8")
    for source in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, METHOD_MAP, OPTIONS, KEYWORDS, strip_comment_tags=True
        ):
            if Path(filename).name in _SKIP:
                continue
            catalog.add(
                message, None, [(f"{source}/{filename}", lineno)], auto_comments=comments, context=context
            )
    return catalog


# What a tourist sees: these sources' strings must be translated in every language.
STOREFRONT_SOURCES = (
    "shop/templates/",
    "shop/catalog/templates/",
    "shop/catalog/product_queries.py",  # a product page's "no such product"
    "shop/inventory/availability.py",
    "shop/storefront/",
    "shop/orders/carts.py",  # the cart's words (sold out, only n left)
    "shop/orders/checkout.py",
    "shop/orders/checkout_fields.py",
    "shop/orders/delivery.py",
    "shop/orders/lookup.py",
    "shop/orders/errors.py",
    "shop/orders/api/orders.py",
    "shop/orders/placing.py",
    "shop/orders/templates/orders/order.html",
    "shop/orders/templates/orders/_labels.html",
    "shop/orders/templates/orders/email_",
    "shop/invoices/templates/invoices/email_",  # the buyer's e-invoice, in the order's language
    "shop/payments/",
    "shop/problems.py",
    "shop/errors.py",
    "shop/trace/templates/",  # the page a pack's QR code opens
    "shop/trace/services.py",
    "shop/trace/api.py",
)
# Under those, what only staff and machines read: the office's screen of bank transfers, the
# bank notifier's webhook and the till's question (Vietnamese and English are enough).
STAFF_SOURCES = ("shop/payments/bank/", "shop/payments/templates/payments/bank_transfers.html")


def storefront_ids(catalog: Catalog) -> set[str]:
    """The msgids that appear in the storefront's sources."""
    return {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id
        and any(
            path.startswith(STOREFRONT_SOURCES) and not path.startswith(STAFF_SOURCES)
            for path, _ in m.locations
        )
    }


def po_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"


def _fill_english(catalog: Catalog) -> None:
    """English msgids are the English text; plural entries take (singular, plural)."""
    for message in catalog:
        if not message.id:
            continue
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(translations):
            message.string = message.id
            message.flags.discard("fuzzy")


def update() -> None:
    template = extract()
    pot_path = LOCALES_DIR / "messages.pot"
    if pot_path.exists():
        with pot_path.open("rb") as pot:
            current = read_po(pot)
        if {m.id for m in current if m.id} == {m.id for m in template if m.id}:
            template.creation_date = current.creation_date  # unchanged strings, unchanged files
    with pot_path.open("wb") as pot:
        write_po(pot, template, omit_header=False, no_location=True, sort_output=True)
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as po_file:
                catalog = read_po(po_file, locale=lang)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, project="OCOP Market", charset="utf-8")
            catalog.update(template, no_fuzzy_matching=True)
        if lang == "en":
            _fill_english(catalog)
        with path.open("wb") as po_file:
            write_po(po_file, catalog, no_location=True, sort_output=True, ignore_obsolete=True)


def compile_all() -> None:
    """Each language's ``messages.mo``, written only when its .po changed (atomically: a
    running server may read it meanwhile)."""
    for lang in LANGUAGES:
        po = po_path(lang)
        mo = po.with_suffix(".mo")
        if not po.exists() or (mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime):
            continue
        partial = mo.with_suffix(".mo.partial")
        partial.write_bytes(compile_catalog(po, lang))
        partial.replace(mo)


COMMANDS = {"update": update, "compile": compile_all}

if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] in COMMANDS:
        COMMANDS[sys.argv[1]]()
    else:
        sys.exit("usage: python -m shop.i18n_tools update|compile")
