"""Text helpers: Vietnamese folded for search, slugs, short codes."""

from __future__ import annotations

import re
import secrets
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# Search words may be in any script (한국어, 中文, 日本語 names are searchable too).
_NON_LETTER = re.compile(r"[\W_]+")
# Crockford's base32 without I, L, O, U: easy to read aloud and to type from a label.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def fold(text: str | None) -> str:
    """Lower case without diacritics: "Miến dong Đà Lạt" → "mien dong da lat"."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def search_terms(query: str | None) -> list[str]:
    """The folded words of a search query, in any script, punctuation dropped."""
    return [word for word in _NON_LETTER.split(fold(query)) if word]


def slugify(text: str, max_length: int = 80) -> str:
    slug = _NON_WORD.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def random_code(length: int = 8) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
