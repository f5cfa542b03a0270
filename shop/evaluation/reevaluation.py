"""Re-evaluation at the end of the 36 months: for every open round taking registrations, each
product of its province whose certificate ends within the round's year gets a draft
re-evaluation registration for its producer, its dossier copied from the last one (see
``copying``). Run by ``ocop jobs run``; idempotent: a product registered in any round of that
province and year is left alone, and a registration is unique per round and product."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Certificate, Product, ProductGroup
from shop.evaluation.models.registrations import (
    EvaluationKind,
    EvaluationRound,
    Registration,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.models.sheets import CriteriaSheet
from shop.evaluation.registrations import HELD, published_sheets, start_dossier, suggest_set


async def open_due(session: AsyncSession, *, today: dt.date) -> int:
    """How many re-evaluation registrations were opened."""
    rounds = await session.scalars(
        sa.select(EvaluationRound)
        .where(EvaluationRound.status == RoundStatus.open, EvaluationRound.registration_until >= today)
        .order_by(EvaluationRound.year, EvaluationRound.number, EvaluationRound.id)
    )
    opened = 0
    sheets = await published_sheets(session)
    for found in list(rounds):
        for product_id, group_code in await _due_products(session, found):
            sheet = await _sheet_for(session, product_id, group_code, sheets)
            if sheet is not None and await _open(session, found, product_id, sheet, today=today):
                opened += 1
    return opened


async def _due_products(session: AsyncSession, found: EvaluationRound) -> list[tuple[int, str]]:
    """Products of the round's province whose last certificate ends within its year and
    that no round of that province and year has registered yet."""
    last_until = (
        sa.select(Certificate.product_id, sa.func.max(Certificate.valid_until).label("until"))
        .where(Certificate.status.in_(HELD))
        .group_by(Certificate.product_id)
        .subquery()
    )
    same_year = (
        sa.select(Registration.product_id)
        .join(EvaluationRound, EvaluationRound.id == Registration.round_id)
        .where(
            EvaluationRound.province_id == found.province_id,
            EvaluationRound.year == found.year,
            Registration.status != RegistrationStatus.withdrawn,
        )
    )
    rows = await session.execute(
        sa.select(Product.id, ProductGroup.code)
        .join(last_until, last_until.c.product_id == Product.id)
        .join(ProductGroup, ProductGroup.id == Product.group_id)
        .where(
            Product.is_active.is_(True),
            Product.origin_province_id == found.province_id,
            last_until.c.until >= dt.date(found.year, 1, 1),
            last_until.c.until <= dt.date(found.year, 12, 31),
            Product.id.not_in(same_year),
        )
        .order_by(Product.id)
    )
    return [(product_id, code) for product_id, code in rows]


async def _sheet_for(
    session: AsyncSession, product_id: int, group_code: str, sheets: list[CriteriaSheet]
) -> CriteriaSheet | None:
    """The published sheet of the product set it was last evaluated on, else the one its
    group suggests; None when neither is known (the producer registers it by hand)."""
    last_set = await session.scalar(
        sa.select(CriteriaSheet.product_set)
        .join(Registration, Registration.sheet_id == CriteriaSheet.id)
        .where(Registration.product_id == product_id)
        .order_by(Registration.created_at.desc(), Registration.id.desc())
        .limit(1)
    )
    wanted = last_set or suggest_set(group_code, sheets)
    return next((s for s in sheets if s.product_set == wanted), None)


async def _open(
    session: AsyncSession, found: EvaluationRound, product_id: int, sheet: CriteriaSheet, *, today: dt.date
) -> bool:
    product = await session.get(Product, product_id)
    if product is None:
        return False
    try:
        async with session.begin_nested():
            registration = Registration(
                round_id=found.id,
                product_id=product.id,
                producer_id=product.producer_id,
                sheet_id=sheet.id,
                kind=EvaluationKind.re_evaluation,
                status=RegistrationStatus.draft,
            )
            session.add(registration)
            await session.flush()
            await start_dossier(session, registration, today=today)
    except IntegrityError:  # another process opened it at the same moment
        return False
    return True
