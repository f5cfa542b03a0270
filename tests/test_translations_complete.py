"""The message catalogs are up to date with the code, and vi and en translate every string."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from shop.i18n import COMPLETE_LANGUAGES, LANGUAGES, LOCALES_DIR
from shop.i18n_tools import extract, po_path


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
