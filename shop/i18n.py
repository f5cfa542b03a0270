"""Languages: picking the visitor's, translating UI strings, formatting money and dates.

Catalogs live in ``locales/<lang>/LC_MESSAGES/messages.po`` and are read directly (compiled in
memory once per process), so there is no compile step to forget. The current language is a
ContextVar set per request, so concurrent requests never see each other's language.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import get_timezone
from babel.numbers import format_currency, format_decimal
from babel.support import LazyProxy, NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANGUAGE = "vi"

# Language code used in URLs and cookies → its name in that language.
LANGUAGES: dict[str, str] = {
    "vi": "Tiếng Việt",
    "en": "English",
    "ko": "한국어",
    "zh_Hans": "简体中文",
    "ja": "日本語",
    "fr": "Français",
}
# The languages whose catalogs must be complete (a test enforces it).
COMPLETE_LANGUAGES = ("vi", "en")
_BABEL_LOCALE = {
    "vi": "vi_VN",
    "en": "en_US",
    "ko": "ko_KR",
    "zh_Hans": "zh_Hans_CN",
    "ja": "ja_JP",
    "fr": "fr_FR",
}
_ALIASES = {"zh": "zh_Hans", "zh_cn": "zh_Hans", "zh_hans": "zh_Hans", "zh_sg": "zh_Hans"}

_current: ContextVar[str] = ContextVar("ocop_language", default=DEFAULT_LANGUAGE)


def normalize_language(value: str | None) -> str | None:
    """``en-US`` → ``en``, ``zh-Hans`` → ``zh_Hans``; None for a language we do not serve."""
    if not value:
        return None
    key = value.strip().replace("-", "_")
    if key in LANGUAGES:
        return key
    lowered = key.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    primary = lowered.split("_", 1)[0]
    if primary in LANGUAGES:
        return primary
    return _ALIASES.get(primary)


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, best first."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def pick_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """``?lang=`` first, then the cookie, then Accept-Language, then Vietnamese."""
    for candidate in (query, cookie):
        if lang := normalize_language(candidate):
            return lang
    tags = [t.replace("-", "_") for t in parse_accept_language(accept_language)]
    available = list(LANGUAGES) + list(_ALIASES)
    if found := negotiate_locale(tags, available, sep="_"):
        return normalize_language(found) or DEFAULT_LANGUAGE
    for tag in tags:
        if lang := normalize_language(tag):
            return lang
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    _current.set(normalize_language(lang) or DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Speak ``lang`` inside the block (an email in the customer's language), then as before."""
    token = _current.set(normalize_language(lang) or DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def babel_locale(lang: str | None = None) -> Locale:
    return _locale(lang or current_language())


@cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(_BABEL_LOCALE[lang])
    except (KeyError, UnknownLocaleError):
        return Locale.parse(_BABEL_LOCALE[DEFAULT_LANGUAGE])


@cache
def translations_for(lang: str) -> NullTranslations:
    """The catalog of ``lang``: its compiled ``messages.mo`` when it is as new as its .po
    (``make run`` and the Containerfile compile them: ``python -m shop.i18n_tools compile``),
    else compiled in memory from the .po (a fresh edit, a checkout without the build step).
    Compiling in memory costs a worker 3.3 MiB per language against 0.6 for reading the .mo:
    the parsed catalog is dropped, but the memory it took stays with the process."""
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as mo_file:
            return Translations(fp=mo_file)
    return Translations(fp=io.BytesIO(compile_catalog(po_path, lang)))


def compile_catalog(po_path: Path, lang: str) -> bytes:
    """The .mo of the catalog ``po_path`` (its fuzzy entries left out, as untranslated)."""
    from babel.messages.mofile import write_mo  # with the catalog tools: only where compiled
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def gettext(message: str) -> str:
    return translations_for(current_language()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(current_language()).ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations_for(current_language()).upgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return translations_for(current_language()).unpgettext(context, singular, plural, n)


def _(message: str) -> str:
    """Translate now, in the request's language."""
    return gettext(message)


def _l(message: str) -> Any:
    """Translate later, when the text is shown (for messages defined at import time)."""
    return LazyProxy(gettext, message, enable_cache=False)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (it is translated where shown)."""
    return message


def translate_in(lang: str, message: str) -> str:
    return translations_for(lang).ugettext(message)


def format_vnd(amount: int | None, lang: str | None = None) -> str:
    if amount is None:
        return ""
    return _vnd(amount, lang or current_language())


@lru_cache(maxsize=8192)
def _vnd(amount: int, lang: str) -> str:
    """Babel takes ~80 µs per amount; a page of prices repeats the same few (cached)."""
    return format_currency(amount, "VND", locale=babel_locale(lang))


# The currency a visitor of each language most likely thinks in (for approximate prices).
VISITOR_CURRENCY = {"en": "USD", "ko": "KRW", "zh_Hans": "CNY", "ja": "JPY", "fr": "EUR"}


def format_money(amount: float | Decimal, currency: str, lang: str | None = None) -> str:
    return format_currency(amount, currency, locale=babel_locale(lang))


def format_number(value: float | int, lang: str | None = None) -> str:
    return format_decimal(value, locale=babel_locale(lang))


def format_date(value: dt.date | None, lang: str | None = None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return _format_date(value, format=fmt, locale=babel_locale(lang))


def format_datetime(value: dt.datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    return _format_datetime(
        value, format="medium", tzinfo=get_timezone("Asia/Ho_Chi_Minh"), locale=babel_locale(lang)
    )
