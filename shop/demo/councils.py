"""Who recognised an OCOP product, as the certificate prints it, for a given decision date.

- Decision 1048/QĐ-TTg era (until 23 Feb 2023): the province recognises 3★ and 4★.
- Decision 148/QĐ-TTg (24 Feb 2023 – 30 Jun 2025): the district recognises 3★, the province 4★.
- Decision 1489/QĐ-TTg (from the 2025 reform): the (new, merged) province recognises 3★ and 4★.
- 5★ is always central: the ministry of agriculture (renamed on 1 March 2025).

Issuers are printed with the unit names of their day ("UBND huyện Na Rì", "UBND tỉnh Bắc
Kạn" before the reform, "UBND tỉnh Thái Nguyên" after it).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from shop.catalog.models import CouncilLevel
from shop.geo.models import REFORM_DATE

CRITERIA_148_FROM = dt.date(2023, 2, 24)
MINISTRY_RENAMED = dt.date(2025, 3, 1)
OLD_MINISTRY = "Bộ Nông nghiệp và Phát triển nông thôn"
NEW_MINISTRY = "Bộ Nông nghiệp và Môi trường"
# The score bands of the criteria: 3★ 50–69, 4★ 70–89, 5★ 90–100.
BANDS = {3: (50, 69), 4: (70, 89), 5: (90, 100)}


@dataclass(frozen=True)
class Units:
    """The full official names of the units a producer was under, old and new."""

    legacy_province: str | None  # "Tỉnh Bắc Kạn"
    legacy_district: str | None  # "Huyện Na Rì"
    current_province: str  # "Tỉnh Thái Nguyên"


@dataclass(frozen=True)
class Issuing:
    council_level: CouncilLevel
    issuer: str
    decision_number: str
    criteria_version: str


def committee(unit_name: str) -> str:
    """'Tỉnh Bắc Kạn' → 'UBND tỉnh Bắc Kạn' (the People's Committee of that unit)."""
    return f"UBND {unit_name[:1].lower()}{unit_name[1:]}"


def criteria_version(decided_on: dt.date) -> str:
    return "148/QĐ-TTg" if decided_on >= CRITERIA_148_FROM else "1048/QĐ-TTg"


def issuing(stars: int, decided_on: dt.date, units: Units, number: int) -> Issuing:
    """The council level, issuer and decision number of a decision of that day."""
    version = criteria_version(decided_on)
    if stars == 5:
        if decided_on >= MINISTRY_RENAMED:
            return Issuing(CouncilLevel.central, NEW_MINISTRY, f"{number}/QĐ-BNNMT", version)
        return Issuing(CouncilLevel.central, OLD_MINISTRY, f"{number}/QĐ-BNN-VPĐP", version)
    if decided_on >= REFORM_DATE or units.legacy_province is None:
        issuer = committee(units.current_province)
        return Issuing(CouncilLevel.province, issuer, f"{number}/QĐ-UBND", version)
    if stars == 3 and decided_on >= CRITERIA_148_FROM and units.legacy_district:
        issuer = committee(units.legacy_district)
        return Issuing(CouncilLevel.district, issuer, f"{number}/QĐ-UBND", version)
    issuer = committee(units.legacy_province)
    return Issuing(CouncilLevel.province, issuer, f"{number}/QĐ-UBND", version)


def scores(rng: random.Random, stars: int, version: str) -> tuple[int, int, int, int]:
    """A total in the star's band and its A/B/C parts (maxima differ between criteria sets)."""
    low, high = BANDS[stars]
    total = rng.randint(low, high)
    maxima = (40, 25, 35) if version.startswith("148") else (35, 25, 40)
    a = round(total * maxima[0] / 100)
    b = round(total * maxima[1] / 100)
    return total, a, b, total - a - b
