"""The generated fill around the real products: fictional producers in the same four legacy
provinces, with products across every OCOP sub-group and a realistic certificate history.

Everything comes from one seeded ``random.Random``, and dates are relative to ``today``, so a
load on a given day is the same every run. Among the certificates: mostly 3★, some 4★, one
5★; some expired without renewal; some renewed (superseded); exactly one product downgraded
(4★ then 3★) and exactly one certificate revoked.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

from shop.catalog.models import ProducerKind, QualityKind
from shop.demo import vocab
from shop.demo.specs import CertSpec, ProducerSpec, ProductSpec, QualitySpec, RevocationSpec

SEED = 20181
DAY = dt.timedelta(days=1)
KIND_WEIGHTS = {
    ProducerKind.cooperative: 50,
    ProducerKind.household_business: 25,
    ProducerKind.enterprise: 15,
    ProducerKind.cooperative_group: 10,
}
QUALITY_BY_GROUP: dict[str, tuple[QualityKind, str]] = {
    "food-fresh": (QualityKind.vietgap, "Trung tâm Chứng nhận phù hợp (QUACERT)"),
    "food-grain": (QualityKind.organic, "Tổ chức chứng nhận hữu cơ TCVN 11041"),
    "food-tea": (QualityKind.vietgap, "Trung tâm Chứng nhận phù hợp (QUACERT)"),
    "food-processed": (QualityKind.safe_food_chain, "Chi cục Quản lý chất lượng nông lâm sản"),
    "food-spice": (QualityKind.haccp, "Trung tâm Chứng nhận phù hợp (QUACERT)"),
    "herbal-raw": (QualityKind.gacp_who, "Cục Quản lý Y, Dược cổ truyền"),
    "herbal-food": (QualityKind.gmp, "Cục Quản lý Dược"),
    "food-honey": (QualityKind.globalgap, "Tổ chức chứng nhận GlobalG.A.P."),
}
PREMIUM_GROUPS = frozenset({"food-tea", "herbal-food", "food-honey"})
REVOCATION_DECISION = "2417/QĐ-UBND"
REVOCATION_REASON = (
    "Vi phạm quy định an toàn thực phẩm: mẫu kiểm nghiệm trong đợt hậu kiểm không đạt chỉ "
    "tiêu vi sinh; chủ thể không khắc phục trong thời hạn."
)


@dataclass(frozen=True)
class Region:
    """A legacy province: its tax-office prefix, communes (commune, district) and strengths."""

    province: str
    tax_prefix: str
    communes: tuple[tuple[str, str], ...]
    groups: tuple[str, ...]


REGIONS: tuple[Region, ...] = (
    Region(
        "Bắc Kạn",
        "47",
        (
            ("Chợ Rã", "Ba Bể"),
            ("Đồng Phúc", "Ba Bể"),
            ("Phủ Thông", "Bạch Thông"),
            ("Cẩm Giàng", "Bạch Thông"),
            ("Bằng Lũng", "Chợ Đồn"),
            ("Yên Thịnh", "Chợ Đồn"),
            ("Thanh Mai", "Chợ Mới"),
            ("Yến Lạc", "Na Rì"),
            ("Kim Hỷ", "Na Rì"),
            ("Nà Phặc", "Ngân Sơn"),
            ("Bộc Bố", "Pác Nặm"),
            ("Xuất Hóa", "Bắc Kạn"),
        ),
        (
            "food-grain",
            "food-fresh",
            "food-processed",
            "food-tea",
            "beverage-alcohol",
            "herbal-raw",
            "handicraft-textile",
            "handicraft-wood",
            "food-honey",
            "tourism-service",
        ),
    ),
    Region(
        "Hà Giang",
        "51",
        (
            ("Sà Phìn", "Đồng Văn"),
            ("Phố Bảng", "Đồng Văn"),
            ("Lũng Phìn", "Đồng Văn"),
            ("Khâu Vai", "Mèo Vạc"),
            ("Du Già", "Yên Minh"),
            ("Tùng Vài", "Quản Bạ"),
            ("Thanh Vân", "Quản Bạ"),
            ("Thông Nguyên", "Hoàng Su Phì"),
            ("Việt Lâm", "Vị Xuyên"),
            ("Vĩnh Tuy", "Bắc Quang"),
        ),
        (
            "food-tea",
            "food-honey",
            "beverage-alcohol",
            "food-processed",
            "handicraft-textile",
            "herbal-raw",
            "food-fresh",
            "food-spice",
            "tourism-service",
        ),
    ),
    Region(
        "Quảng Ninh",
        "57",
        (
            ("Vô Ngại", "Bình Liêu"),
            ("Húc Động", "Bình Liêu"),
            ("Hải Lạng", "Tiên Yên"),
            ("Ba Chẽ", "Ba Chẽ"),
            ("Đạp Thanh", "Ba Chẽ"),
            ("Quan Lạn", "Vân Đồn"),
            ("Hà Tu", "Hạ Long"),
            ("Mạo Khê", "Đông Triều"),
            ("Quảng Đức", "Hải Hà"),
            ("Cô Tô", "Cô Tô"),
        ),
        (
            "food-processed",
            "food-fresh",
            "food-spice",
            "herbal-cosmetic",
            "food-tea",
            "beverage-alcohol",
            "handicraft-other",
            "ornamental-plant",
            "ornamental-animal",
        ),
    ),
    Region(
        "Quảng Nam",
        "40",
        (
            ("Trà Mai", "Nam Trà My"),
            ("Trà Giáp", "Bắc Trà My"),
            ("Tiên Kỳ", "Tiên Phước"),
            ("Đại Hiệp", "Đại Lộc"),
            ("Duy Trinh", "Duy Xuyên"),
            ("Cẩm Thanh", "Hội An"),
            ("Tam Thanh", "Tam Kỳ"),
            ("Bình Triều", "Thăng Bình"),
            ("Khâm Đức", "Phước Sơn"),
            ("Thạnh Mỹ", "Nam Giang"),
            ("Quế Phong", "Quế Sơn"),
        ),
        (
            "herbal-food",
            "food-processed",
            "food-spice",
            "handicraft-other",
            "handicraft-textile",
            "food-fresh",
            "beverage-soft",
            "tourism-service",
            "ornamental-plant",
            "food-coffee",
        ),
    ),
)


def items_by_group() -> dict[str, list[vocab.Item]]:
    out: dict[str, list[vocab.Item]] = {}
    for item in vocab.ITEMS:
        out.setdefault(item.group, []).append(item)
    return out


def producer_name(rng: random.Random, kind: ProducerKind, sector: str, brand: str) -> str:
    if kind is ProducerKind.household_business:
        person = f"{rng.choice(vocab.SURNAMES)} {rng.choice(vocab.MIDDLE)} {rng.choice(vocab.GIVEN)}"
        return f"Hộ kinh doanh {person}"
    if kind is ProducerKind.enterprise:
        return f"Công ty TNHH {vocab.ENTERPRISE_SECTORS[sector]} {brand}"
    prefix = "HTX" if kind is ProducerKind.cooperative else "Tổ hợp tác"
    return f"{prefix} {vocab.SECTORS[sector]} {brand}"


def price(rng: random.Random, low: int, high: int) -> int:
    """A shelf price: whole thousands under 100,000 đ, else multiples of 5,000 đ."""
    step = 1_000 if high < 100_000 else 5_000
    return rng.randint(low // step, high // step) * step


def tax_codes(rng: random.Random, prefix: str, taken: set[str]) -> Iterator[str]:
    """Unique 10-digit codes starting with the province tax office's prefix."""
    while True:
        code = f"{prefix}{rng.randint(0, 99_999_999):08d}"
        if code not in taken:
            taken.add(code)
            yield code


def certificate_history(rng: random.Random, stars: int, today: dt.date) -> tuple[CertSpec, ...]:
    """Mostly one active certificate; some expired and never renewed; some renewed."""
    roll = rng.random()
    if roll < 0.08:  # lapsed: the 36 months ended and nobody re-applied
        return (CertSpec(stars, today - rng.randint(1_130, 1_500) * DAY, 0),)
    if roll < 0.20:  # renewed before the old one ran out, same stars or one more
        first = today - rng.randint(1_110, 1_600) * DAY
        renewed = first + rng.randint(1_000, 1_090) * DAY
        return (CertSpec(3 if stars == 4 else stars, first, 0), CertSpec(stars, renewed, 0))
    return (CertSpec(stars, today - rng.randint(20, 1_050) * DAY, 0),)


def quality(rng: random.Random, group: str, today: dt.date, serial: int) -> tuple[QualitySpec, ...]:
    if group not in QUALITY_BY_GROUP or rng.random() > 0.3:
        return ()
    kind, issuer = QUALITY_BY_GROUP[group]
    start = today - rng.randint(60, 1_000) * DAY
    return (QualitySpec(kind, issuer, f"{kind.value.upper()}-{serial:05d}", start, rng.choice((2, 3, 5))),)


def _product(
    rng: random.Random,
    item: vocab.Item,
    brand: str,
    producer: str,
    where: tuple[str, str],
    today: dt.date,
    serial: int,
) -> ProductSpec:
    stars = 4 if rng.random() < 0.22 else 3
    blurb_vi, blurb_en = vocab.BLURBS[item.group]
    return ProductSpec(
        group=item.group,
        name=f"{item.vi} {brand}",
        name_en=f"{brand} {item.en}",
        unit=item.unit,
        pack_size=rng.choice(item.packs),
        price_vnd=price(rng, *item.price),
        description=f"{item.vi} của {producer}, {where[0]}. {blurb_vi}",
        description_en=f"{item.en.capitalize()} from {producer}, {where[1]}. {blurb_en}",
        certs=certificate_history(rng, stars, today),
        quality=quality(rng, item.group, today, serial),
        shelf_life_days=item.shelf_life_days,
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _groups(rng: random.Random, region: Region, count: int) -> list[str]:
    """A producer's sub-groups: one of the region's strengths, then kin of the same group,
    then others, until there are enough kinds of product to make ``count`` different ones."""
    catalog = items_by_group()
    first = rng.choice(region.groups)
    kin = [g for g in region.groups if g != first and vocab.sector_of(g) == vocab.sector_of(first)]
    others = [g for g in region.groups if g != first and g not in kin]
    rng.shuffle(others)
    groups = [first]
    for group in [*kin, *others]:
        if sum(len(catalog[g]) for g in groups) >= count:
            break
        groups.append(group)
    return groups


def _producer(
    rng: random.Random, region: Region, serial: int, count: int, today: dt.date, tax: Iterator[str]
) -> ProducerSpec:
    commune, district = rng.choice(region.communes)
    groups = _groups(rng, region, count)
    kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    brand = rng.choice((commune, district, rng.choice(vocab.BRANDS)))
    name = producer_name(rng, kind, vocab.sector_of(groups[0]), brand)
    near = commune if commune == district else f"{commune}, {district}"
    where = (f"{near}, tỉnh {region.province} cũ", f"{near}, former {region.province} province")
    catalog = items_by_group()
    choices = [item for g in groups for item in catalog[g]]
    items = rng.sample(choices, k=min(count, len(choices)))
    return ProducerSpec(
        code=f"DEMO-{serial:03d}",
        kind=kind,
        name=name,
        tax_code=next(tax),
        place=f"{commune}, {district}, {region.province}",
        address="",  # written by the loader from the resolved units' official names
        story=f"{name} sản xuất {', '.join(_lower_first(i.vi) for i in items[:3])} tại {commune}.",
        products=tuple(
            _product(rng, item, brand, name, where, today, serial * 100 + n) for n, item in enumerate(items)
        ),
    )


def _special(products: list[ProductSpec], today: dt.date) -> None:
    """One 5★, one downgrade (4★ → 3★) and one revocation, on fixed positions."""
    first = today - 1_180 * DAY
    products[3] = replace(products[3], certs=(CertSpec(4, first, 0), CertSpec(3, first + 1_060 * DAY, 0)))
    revocation = RevocationSpec(today - 20 * DAY, REVOCATION_REASON, REVOCATION_DECISION)
    products[11] = replace(products[11], certs=(CertSpec(3, today - 420 * DAY, 0),), revocation=revocation)
    star = next(i for i, p in enumerate(products) if i > 11 and p.group in PREMIUM_GROUPS)
    products[star] = replace(products[star], certs=(CertSpec(5, today - 200 * DAY, 0),))


def generate(
    today: dt.date, *, producers: int, products: int, taken_tax_codes: set[str]
) -> list[ProducerSpec]:
    """``producers`` fictional producers owning ``products`` products in all."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    counts = [products // producers + (1 if i < products % producers else 0) for i in range(producers)]
    taxes = {r.province: tax_codes(rng, r.tax_prefix, taken_tax_codes) for r in REGIONS}
    specs = [
        _producer(
            rng, REGIONS[i % len(REGIONS)], i + 1, counts[i], today, taxes[REGIONS[i % len(REGIONS)].province]
        )
        for i in range(producers)
    ]
    flat = [p for spec in specs for p in spec.products]
    _special(flat, today)
    out, start = [], 0
    for spec in specs:
        out.append(replace(spec, products=tuple(flat[start : start + len(spec.products)])))
        start += len(spec.products)
    return out
