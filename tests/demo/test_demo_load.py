"""``ocop demo load``: the demo catalog is complete, realistic and loads only once.

A demo load takes seconds, so one test loads it (twice, the second time changing nothing) and
checks each part of what it holds in turn, instead of every check loading its own.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.accounts.models import Account, AccountLocation, PiccoloUser, Role
from shop.catalog.models import (
    Certificate,
    CertificateStatus,
    Producer,
    ProducerKind,
    Product,
    ProductTranslation,
    QualityCertification,
)
from shop.demo import loader
from shop.demo.sites import MAIN_SALES_POINT
from shop.geo.models import Place
from shop.inventory.check import check_ledger
from shop.inventory.documents.models import StockCount, Transfer, TransferStatus
from shop.inventory.models import Location, LocationKind, Movement, Ownership, StockThreshold
from shop.inventory.queries import shelf
from shop.inventory.queries import stock as queries

TODAY = dt.date(2026, 11, 23)
TABLES = (
    Producer,
    Product,
    ProductTranslation,
    Certificate,
    QualityCertification,
    Location,
    PiccoloUser,
    Account,
)


async def _load(session: AsyncSession) -> str:
    summary = await loader.load(session, scale="demo", today=TODAY, log=lambda _: None)
    await session.commit()
    return summary


async def _count(session: AsyncSession, model: type, *where: sa.ColumnElement[bool]) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


async def _names(session: AsyncSession, column: sa.ColumnElement[int | None]) -> set[str]:
    ids = sa.select(column).distinct().scalar_subquery()
    return set(await session.scalars(sa.select(Place.short_name).where(Place.id.in_(ids))))


async def test_the_demo_loads_once_with_places_users_history_and_stock(session: AsyncSession) -> None:
    summary = await _load(session)
    assert "admin/admin12345" in summary

    await _four_provinces_with_products_places_and_users(session)
    await _certificates_with_a_realistic_history(session)
    await _stock_received_moved_counted_and_consistent(session)

    before = [await _count(session, model) for model in (*TABLES, Movement)]
    summary = await _load(session)
    assert "already loaded" in summary
    assert [await _count(session, model) for model in (*TABLES, Movement)] == before


async def _four_provinces_with_products_places_and_users(session: AsyncSession) -> None:
    assert await _count(session, Producer) >= 60
    assert await _count(session, Product) >= 300
    kinds = set(await session.scalars(sa.select(Producer.kind).distinct()))
    assert kinds == set(ProducerKind)
    assert await _names(session, Product.origin_province_id) == {
        "Thái Nguyên",
        "Tuyên Quang",
        "Quảng Ninh",
        "Đà Nẵng",
    }
    assert await _names(session, Product.legacy_province_id) == {
        "Bắc Kạn",
        "Hà Giang",
        "Quảng Ninh",
        "Quảng Nam",
    }
    public = Location.kind.in_([LocationKind.sales_point, LocationKind.fair])
    assert await _count(session, Location, public) == 12
    fair = (await session.scalars(sa.select(Location).where(Location.kind == LocationKind.fair))).one()
    assert fair.starts_on is not None and fair.ends_on is not None
    assert fair.starts_on <= TODAY <= fair.ends_on
    assert await _count(session, Location, public, Location.area_id.is_(None)) == 0
    untranslated = sa.select(Product.id).where(
        ~sa.exists().where(ProductTranslation.product_id == Product.id, ProductTranslation.language == "en")
    )
    assert (await session.execute(untranslated)).first() is None

    rows = (
        await session.execute(
            sa.select(PiccoloUser.username, Account.role, Account.producer_id, Account.id).join(
                Account, Account.user_id == PiccoloUser.id
            )
        )
    ).all()
    roles = {r.username: r.role for r in rows}
    assert roles == {
        "admin": Role.admin,
        "manager": Role.manager,
        "staff": Role.staff,
        "taihoan": Role.cooperative,
    }
    tai_hoan = await session.scalar(sa.select(Producer.id).where(Producer.code == "HTX-TAIHOAN"))
    assert {r.username: r.producer_id for r in rows}["taihoan"] == tai_hoan
    for name, scope in (("manager", {"SP-BACKAN", "FAIR-OCOP-TN"}), ("staff", {"SP-BACKAN"})):
        account_id = next(r.id for r in rows if r.username == name)
        codes = set(
            await session.scalars(
                sa.select(Location.code)
                .join(AccountLocation, AccountLocation.location_id == Location.id)
                .where(AccountLocation.account_id == account_id)
            )
        )
        assert codes == scope


async def _certificates_with_a_realistic_history(session: AsyncSession) -> None:
    revoked = (
        await session.scalars(sa.select(Certificate).where(Certificate.status == CertificateStatus.revoked))
    ).all()
    assert len(revoked) == 1 and revoked[0].revocation_reason
    assert await _count(session, Certificate, Certificate.status == CertificateStatus.expired) > 0
    old, new = aliased(Certificate), aliased(Certificate)
    downgrades = (
        await session.execute(
            sa.select(old.stars, new.stars, old.product_id)
            .join(new, new.id == old.superseded_by_id)
            .where(new.stars < old.stars)
        )
    ).all()
    assert [(d[0], d[1]) for d in downgrades] == [(4, 3)]
    assert await _count(session, Certificate, Certificate.product_id == downgrades[0][2]) == 2
    stars = dict(
        (
            await session.execute(
                sa.select(Certificate.stars, sa.func.count())
                .where(Certificate.status == CertificateStatus.active)
                .group_by(Certificate.stars)
            )
        ).all()
    )
    assert stars[3] > stars[4] > stars[5] > 0

    # Miến dong Tài Hoan: national 5★, re-recognised in 2024 (the older one superseded).
    noodles = (await session.scalars(sa.select(Product).where(Product.name == "Miến dong Tài Hoan"))).one()
    history = (
        await session.scalars(
            sa.select(Certificate)
            .where(Certificate.product_id == noodles.id)
            .order_by(Certificate.decision_date)
        )
    ).all()
    assert [(c.stars, c.status) for c in history] == [
        (5, CertificateStatus.superseded),
        (5, CertificateStatus.active),
    ]
    assert history[1].decision_date.year == 2024
    assert history[1].valid_from <= TODAY <= history[1].valid_until
    english = await session.scalar(
        sa.select(ProductTranslation.name).where(
            ProductTranslation.product_id == noodles.id, ProductTranslation.language == "en"
        )
    )
    assert english == "Tài Hoan arrowroot glass noodles"


async def _stock_received_moved_counted_and_consistent(session: AsyncSession) -> None:
    """Every /pos/ screen has something to show, and the ledger adds up."""
    report = await check_ledger(session)
    assert report.ok and report.movements > 100
    main = await session.scalar(sa.select(Location).where(Location.code == MAIN_SALES_POINT))
    assert main is not None
    stock = await queries.stock_list(session, main, queries.StockFilter(), page=1, page_size=200, today=TODAY)
    assert stock.total >= 5
    assert any(b.ownership == Ownership.consigned for item in stock.items for b in item.batches)
    assert await shelf.expiring(session, main, days=30, today=TODAY)
    assert await session.scalar(sa.select(sa.func.count()).select_from(StockThreshold)) == 5
    received = await session.scalar(sa.select(Transfer).where(Transfer.status == TransferStatus.received))
    assert received is not None
    assert await session.scalar(sa.select(StockCount.id).where(StockCount.location_id == main.id))
    compliance = await shelf.compliance(session, main, today=TODAY)
    assert compliance.certified_share == 1.0 and compliance.own_province_share > 0.5
