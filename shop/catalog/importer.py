"""Importing the province's list of certified products from .xlsx or .csv: all or nothing.

Every row is checked first; if any row is bad, nothing is written and the report lists each
bad row with its reason in Vietnamese and English. A good file is applied in one transaction,
and importing the same list again updates what it finds instead of duplicating it.

The file is read by ``shop.catalog.import_file`` and its rows checked by
``shop.catalog.import_rows``; this module writes the checked rows (producers, products,
certificates) and counts what it wrote. The blank list to fill in is ``import_template``'s.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import certificates, schemas, services
from shop.catalog.import_file import read_rows
from shop.catalog.import_rows import ImportRow, Progress, RowError, check_rows
from shop.catalog.models import Certificate, CouncilLevel, Producer, Product
from shop.errors import Conflict
from shop.geo.models import REFORM_DATE, Place


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    producers_created: int = 0
    products_created: int = 0
    products_updated: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _issuer(row: ImportRow, province_name: str | None) -> str:
    if row.issuer:
        return row.issuer
    if row.stars == 5:
        return (
            "Bộ Nông nghiệp và Môi trường" if row.decision_date >= REFORM_DATE else "Bộ Nông nghiệp và PTNT"
        )
    return f"UBND {province_name}" if province_name else "UBND tỉnh"


async def _producer(session: AsyncSession, row: ImportRow, report: ImportReport) -> Producer:
    if row.producer_code:
        found = await session.scalar(sa.select(Producer).where(Producer.code == row.producer_code))
    else:
        candidates = await session.scalars(sa.select(Producer).where(Producer.name == row.producer))
        found = next(iter(candidates), None)
    if found is not None:
        found.kind = row.producer_kind
        return found
    code = row.producer_code or await services.new_producer_code(session, row.producer)
    producer = Producer(code=code, name=row.producer, kind=row.producer_kind, place_id=row.place.id)
    session.add(producer)
    await session.flush()
    report.producers_created += 1
    return producer


async def _product(
    session: AsyncSession, row: ImportRow, producer: Producer, report: ImportReport
) -> Product:
    product = await session.scalar(
        sa.select(Product).where(Product.producer_id == producer.id, Product.name == row.product)
    )
    if product is None:
        product = Product(
            producer_id=producer.id,
            group_id=row.group.id,
            name=row.product,
            unit=row.unit,
            price_vnd=row.price_vnd,
            slug=await services.unique_slug(session, row.product),
            trace_code=await services.new_trace_code(session),
        )
        session.add(product)
        report.products_created += 1
    else:
        product.group_id = row.group.id
        if row.price_vnd:
            product.price_vnd = row.price_vnd
        report.products_updated += 1
    await services.set_origin(session, product, row.place)
    await session.flush()
    return product


async def _certificate(
    session: AsyncSession, row: ImportRow, product: Product, report: ImportReport, today: dt.date
) -> None:
    existing = await session.scalar(
        sa.select(Certificate).where(
            Certificate.product_id == product.id, Certificate.decision_number == row.decision_number
        )
    )
    if existing is not None:
        # The same decision imported again: a correction of the same certificate, not a new
        # one. Every field it reports as updated is applied, or the row is refused.
        if existing.decision_date != row.decision_date:
            try:
                await certificates.redate(session, existing, row.decision_date, today=today)
            except Conflict as refused:
                report.errors.append(RowError(row.row, "decision_date", refused.message, refused.params))
                return
        existing.stars, existing.score = row.stars, row.score
        if row.issuer:
            existing.issuer = row.issuer
        await session.flush()
        await certificates.sync_products(session, [product.id])
        report.certificates_updated += 1
        return
    province = await session.get(Place, row.place.province_id) if row.place.province_id else row.place
    level = CouncilLevel.central if row.stars == 5 else CouncilLevel.province
    data = schemas.CertificateIn(
        product_id=product.id,
        stars=row.stars,
        council_level=level,
        issuer=_issuer(row, province.name if province else None),
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        score=row.score,
    )
    await certificates.certify(session, data, today=today)
    report.certificates_created += 1


async def apply_rows(
    session: AsyncSession,
    rows: Iterable[ImportRow],
    report: ImportReport,
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> None:
    """Write checked rows (oldest decisions first, so re-certifications supersede in order).

    A row refused here adds to ``report.errors``; the caller then writes nothing.
    """
    ordered = sorted(rows, key=lambda r: r.decision_date)
    touched: set[int] = set()
    for index, row in enumerate(ordered):
        producer = await _producer(session, row, report)
        product = await _product(session, row, producer, report)
        await _certificate(session, row, product, report, today)
        touched.add(product.id)
        if progress:
            progress(index + 1, len(ordered))
    await services.refresh_search_text(session, touched)


async def import_products(
    session: AsyncSession,
    filename: str,
    content: bytes,
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> ImportReport:
    """Check then apply; on any bad row nothing is written (the caller commits only if ok).

    Some rows can only be refused while applying (a decision's corrected date that would
    contradict the product's other certificates): the report then has errors too.
    """
    raw_rows = read_rows(filename, content)
    report = ImportReport(rows=len(raw_rows))
    good, report.errors = await check_rows(session, raw_rows, progress)
    if report.errors:
        return report
    await apply_rows(session, good, report, today=today, progress=progress)
    return report
