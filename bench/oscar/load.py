"""Loads the benchmark's catalog into the oscar shop: run by install.py inside oscar's virtualenv.

    OSCAR_BENCH_DB=oscar_bench python bench/oscar/load.py --source postgresql://postgres@127.0.0.1/ocop_bench_peer

With ``--source`` (our database with the national demo data) every product is copied: name,
slug, description, price in VND, its group as an oscar category, and as stock its free units
(on hand less reserved, in batches not expired), so both shops sell the same catalog. Products
our storefront does not sell (no valid certificate) are loaded not public. Without ``--source``,
``--count`` products are generated. One partner, one product class that tracks stock, the
country Vietnam for shipping. Idempotent: an existing catalog is left alone unless ``--reload``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oscar_site.settings")

SOURCE_SQL = """
select p.id, p.slug, p.name, coalesce(p.description, ''), p.price_vnd, g.name,
       (p.is_active and p.stars >= 3 and p.certified_from <= current_date
        and p.certified_until >= current_date) as sellable,
       coalesce(s.free, 0)
from product p
join product_group g on g.id = p.group_id
left join (
    select sl.product_id, sum(sl.on_hand - sl.reserved) as free
    from stock_level sl join batch b on b.id = sl.batch_id
    where b.expires_on is null or b.expires_on >= current_date
    group by sl.product_id
) s on s.product_id = p.id
order by p.id
"""

Row = tuple[int, str, str, str, int, str, bool, int]


def source_rows(url: str) -> list[Row]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(SOURCE_SQL).fetchall()]  # type: ignore[misc]


def generated_rows(count: int) -> list[Row]:
    rng = random.Random(20)
    groups = ["Thực phẩm", "Đồ uống", "Thảo dược", "Thủ công mỹ nghệ", "Vải và may mặc", "Dịch vụ du lịch"]
    return [
        (
            i,
            f"san-pham-ocop-{i}",
            f"Sản phẩm OCOP {i}",
            "Sản phẩm OCOP của hợp tác xã, sản xuất tại địa phương.",
            rng.randrange(35, 1500) * 1000,
            groups[i % len(groups)],
            True,
            rng.randrange(0, 2000),
        )
        for i in range(1, count + 1)
    ]


def load(rows: list[Row], reload: bool) -> str:
    import django

    django.setup()
    from django.db import transaction
    from oscar.apps.address.models import Country
    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.apps.catalogue.models import Product, ProductCategory, ProductClass
    from oscar.apps.partner.models import Partner, StockRecord

    if Product.objects.exists():
        if not reload:
            return f"oscar already has {Product.objects.count()} products; nothing to do (--reload to redo)"
        StockRecord.objects.all().delete()
        ProductCategory.objects.all().delete()
        Product.objects.all().delete()
    started = time.perf_counter()
    with transaction.atomic():
        Country.objects.update_or_create(
            iso_3166_1_a2="VN",
            defaults={
                "iso_3166_1_a3": "VNM",
                "iso_3166_1_numeric": "704",
                "printable_name": "Việt Nam",
                "name": "Socialist Republic of Viet Nam",
                "display_order": 1,
                "is_shipping_country": True,
            },
        )
        product_class, _ = ProductClass.objects.get_or_create(
            name="OCOP", defaults={"requires_shipping": True, "track_stock": True}
        )
        partner, _ = Partner.objects.get_or_create(name="Hợp tác xã OCOP", defaults={"code": "ocop"})
        categories: dict[str, Any] = {}
        for group in sorted({r[5] for r in rows}):
            categories[group] = create_from_breadcrumbs(f"OCOP > {group}")
        products = Product.objects.bulk_create(
            [
                Product(
                    structure=Product.STANDALONE,
                    product_class=product_class,
                    upc=f"ocop-{pid}",  # our product id, how compare.py matches the two catalogs
                    title=name[:255],
                    slug=slug[:255],
                    description=description,
                    is_public=sellable,
                    is_discountable=True,
                )
                for pid, slug, name, description, _price, _group, sellable, _free in rows
            ],
            batch_size=2000,
        )
        ProductCategory.objects.bulk_create(
            [
                ProductCategory(product=product, category=categories[row[5]])
                for product, row in zip(products, rows, strict=True)
            ],
            batch_size=2000,
        )
        StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product=product,
                    partner=partner,
                    partner_sku=f"OCOP-{row[0]}",
                    price_currency="VND",
                    price=Decimal(row[4]),
                    num_in_stock=max(0, int(row[7])),
                    num_allocated=0,
                )
                for product, row in zip(products, rows, strict=True)
            ],
            batch_size=2000,
        )
    return (
        f"oscar: {len(products)} products ({sum(1 for r in rows if r[6])} public), "
        f"{len(categories)} categories, 1 partner, loaded in {time.perf_counter() - started:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", help="our database (libpq URL) to copy the catalog from")
    parser.add_argument("--count", type=int, default=20_000, help="products to generate without --source")
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    rows = source_rows(args.source) if args.source else generated_rows(args.count)
    print(load(rows, args.reload))


if __name__ == "__main__":
    main()
