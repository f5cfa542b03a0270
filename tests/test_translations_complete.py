"""The message catalogs are up to date with the code, and vi and en translate every string."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from shop.i18n import COMPLETE_LANGUAGES, LANGUAGES, LOCALES_DIR
from shop.i18n_tools import extract, po_path, storefront_ids


def _ids(catalog):
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_messages_pot_is_not_stale():
    with (LOCALES_DIR / "messages.pot").open("rb") as pot:
        template = read_po(pot)
    extracted = _ids(extract())
    assert extracted, "no strings extracted: is the extraction map broken?"
    assert extracted == _ids(template), "run `make locales` and translate the new strings"


@pytest.mark.parametrize("lang", COMPLETE_LANGUAGES)
def test_complete_languages_translate_every_string(lang):
    with po_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    extracted = _ids(extract())
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(extracted - translated)
    assert not missing, f"{lang} lacks {len(missing)} translations, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_language_has_a_catalog_that_parses(lang):
    with po_path(lang).open("rb") as po:
        assert read_po(po, locale=lang) is not None


# Words a language writes exactly as English does (so an unchanged msgstr is a translation).
SAME_AS_ENGLISH = {"fr": {"Administration", "OCOP Market", "Province", "Provinces", "Stock", "Total"}}


@pytest.mark.parametrize("lang", sorted(set(LANGUAGES) - set(COMPLETE_LANGUAGES)))
def test_the_storefront_speaks_every_language(lang):
    """A tourist reading ko, zh_Hans, ja or fr never meets an English or Vietnamese string."""
    with po_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    translated = set()
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        first = m.string if isinstance(m.string, str) else m.string[0]
        complete = all(m.string) if isinstance(m.string, tuple) else bool(m.string)
        if complete and (first != key or key in SAME_AS_ENGLISH.get(lang, set())):
            translated.add(key)
    missing = sorted(storefront_ids(extract()) - translated)
    assert not missing, f"{lang} lacks {len(missing)} storefront translations, e.g. {missing[:5]}"
