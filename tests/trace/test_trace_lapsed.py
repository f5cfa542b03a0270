"""A lapsed product's trace page (issue 13): the warning in red, no stars, and no validity
that reads as current — for a revoked and for an expired certificate, in vi, en and ko."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import certificates, schemas
from shop.catalog.models import Certificate
from shop.catalog.sellability import today
from tests.trace.test_trace_page import _product

# What each language says of a certificate no longer valid, and never says of it.
LAPSED = {
    "en": ("no longer valid", "Valid from", "Genuine OCOP product"),
    "vi": ("không còn hiệu lực", "Có hiệu lực từ", "Sản phẩm OCOP chính hãng"),
    "ko": ("더 이상 유효하지 않습니다", "유효 기간", "정품 OCOP"),
}


def _assert_lapsed(html: str, lang: str) -> None:
    says, current, genuine = LAPSED[lang]
    assert 'class="alert danger trace-warning" role="alert"' in html  # red, announced
    assert "★" not in html and 'class="stars"' not in html
    assert says in html and current not in html and genuine not in html


@pytest.mark.parametrize("lang", sorted(LAPSED))
async def test_a_revoked_products_trace_page_warns_in_red_without_stars(
    client: httpx.AsyncClient, session: AsyncSession, lang: str
):
    item = await _product(session)
    cert = await session.scalar(sa.select(Certificate.id).where(Certificate.product_id == item.id))
    assert cert is not None
    await certificates.revoke(session, cert, schemas.RevocationIn(reason="Vi phạm ghi nhãn"), today=today())
    await session.commit()
    page = await client.get(f"/t/{item.trace_code}", params={"lang": lang})
    assert page.status_code == 200 and 'data-warning="revoked"' in page.text
    _assert_lapsed(page.text, lang)


@pytest.mark.parametrize("lang", sorted(LAPSED))
async def test_an_expired_products_trace_page_warns_in_red_without_stars(
    client: httpx.AsyncClient, session: AsyncSession, lang: str
):
    item = await _product(session, valid_until=today() - dt.timedelta(days=2))
    page = await client.get(f"/t/{item.trace_code}", params={"lang": lang})
    assert page.status_code == 200 and 'data-warning="expired"' in page.text
    _assert_lapsed(page.text, lang)
