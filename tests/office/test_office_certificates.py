"""Certificates from the office's product page: issue, renew, revoke after a confirmation
that says what will happen; a renewal starting later never interrupts the one in force."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from shop.accounts.models import Role
from shop.catalog import certificates
from shop.catalog.models import Certificate, CertificateStatus, Producer, Product
from shop.catalog.sellability import product_is_sellable, today
from tests import factories as f
from tests.office.support import login_as, post, token


async def _product(session) -> Product:
    item = await f.product(session, name="Miến dong Tài Hoan")
    await session.commit()
    return item


def _decision(number: str, day: dt.date, **more: str) -> dict[str, str]:
    return {
        "stars": "4",
        "council_level": "province",
        "issuer": "UBND tỉnh Thái Nguyên",
        "decision_number": number,
        "decision_date": day.isoformat(),
        "score": "",
        "certificate_number": "",
        "valid_from": "",
        "valid_until": "",
        "criteria_version": "148/QĐ-TTg",
    } | more


async def _certify(client, item, data):
    page = f"/office/products/{item.id}"
    return await post(client, page, f"{page}/certificates/", data)


async def _statuses(session, item) -> list[str]:
    rows = await session.scalars(
        sa.select(Certificate.status)
        .where(Certificate.product_id == item.id)
        .order_by(Certificate.decision_date)
    )
    statuses = [s.value for s in rows]
    await session.commit()
    return statuses


async def test_the_office_issues_then_renews_a_certificate(client, session):
    item = await _product(session)
    await login_as(client, session)
    page = await client.get(f"/office/products/{item.id}")
    assert "Cấp giấy chứng nhận" in page.text and 'value="UBND tỉnh Thái Nguyên"' in page.text
    first = today() - dt.timedelta(days=400)
    answer = await _certify(client, item, _decision("10/QĐ-UBND", first, score="72"))
    assert answer.status_code == 303, answer.text
    shown = await client.get(answer.headers["location"])
    assert "Đã ghi nhận giấy chứng nhận" in shown.text and "Công nhận lại" in shown.text
    await session.refresh(item)
    await session.commit()
    assert product_is_sellable(item, today()) and item.stars == 4
    answer = await _certify(
        client, item, _decision("20/QĐ-UBND", today(), stars="5", council_level="central")
    )
    assert answer.status_code == 303, answer.text
    assert await _statuses(session, item) == ["superseded", "active"]
    await session.refresh(item)
    await session.commit()
    assert item.stars == 5 and product_is_sellable(item, today())
    history = (await client.get(f"/office/products/{item.id}")).text
    assert "Đã được thay bằng lần công nhận lại" in history and "10/QĐ-UBND" in history


async def test_a_renewal_starting_later_leaves_the_running_certificate_in_force(client, session):
    item = await _product(session)
    await f.certificate(session, item, 4, decision_date=today() - dt.timedelta(days=300), today=today())
    await session.commit()
    await login_as(client, session)
    later = today() + dt.timedelta(days=30)
    answer = await _certify(
        client, item, _decision("30/QĐ-UBND", today(), stars="5", valid_from=later.isoformat())
    )
    assert answer.status_code == 303, answer.text
    assert sorted(await _statuses(session, item)) == ["active", "scheduled"]
    page = (await client.get(f"/office/products/{item.id}")).text
    assert "Đã quyết định, có hiệu lực từ ngày đầu" in page
    await session.refresh(item)
    await session.commit()
    assert product_is_sellable(item, today()) and item.stars == 4  # still sold, under the old one

    await certificates.start_scheduled(session, today=later - dt.timedelta(days=1))
    assert sorted(await _statuses(session, item)) == ["active", "scheduled"]
    assert await certificates.start_scheduled(session, today=later) == 1
    await session.commit()
    assert sorted(await _statuses(session, item)) == ["active", "superseded"]
    await session.refresh(item)
    assert item.stars == 5 and item.certified_from == later
    assert await certificates.start_scheduled(session, today=later) == 0  # twice changes nothing


async def test_certificate_mistakes_are_told_next_to_their_fields(client, session):
    item = await _product(session)
    await f.certificate(session, item, 3, decision_number="1/QĐ-UBND", today=today())
    await session.commit()
    await login_as(client, session)
    answer = await _certify(
        client, item, _decision("", today(), stars="", issuer="", decision_date="32/13/2025", score="120")
    )
    assert answer.status_code == 422
    for message in (
        "Hãy chọn hạng sao: 3, 4 hoặc 5.",
        "Hãy nhập cơ quan ký quyết định",
        "Hãy nhập số quyết định",
        "Hãy nhập ngày, ví dụ 25/03/2026.",
        "Hãy nhập một số nguyên từ 0 đến 100.",
    ):
        assert message in answer.text, message
    assert 'value="32/13/2025"' in answer.text
    answer = await _certify(client, item, _decision("1/QĐ-UBND", today()))
    assert answer.status_code == 409 and "đã có giấy chứng nhận theo quyết định số 1/QĐ-UBND" in answer.text
    day = today() - dt.timedelta(days=10)
    answer = await _certify(
        client, item, _decision("2/QĐ-UBND", day, valid_until=(day - dt.timedelta(days=1)).isoformat())
    )
    assert answer.status_code == 422 and "Phải sau ngày bắt đầu hiệu lực." in answer.text
    assert await _statuses(session, item) == ["active"]


async def test_revoking_asks_first_then_takes_the_product_off_sale_once(client, session):
    item = await _product(session)
    cert = await f.certificate(session, item, 4, today=today())
    await session.commit()
    await login_as(client, session)
    page = f"/office/products/{item.id}/certificates/{cert.id}/revoke"
    assert page in (await client.get(f"/office/products/{item.id}")).text
    answer = await post(client, page, page, {"reason": "", "revoked_on": today().isoformat()})
    assert answer.status_code == 422 and "Hãy ghi lý do thu hồi." in answer.text
    reason = "Vi phạm quy định ghi nhãn"
    answer = await post(client, page, page, {"reason": reason, "revoked_on": today().isoformat()})
    assert answer.status_code == 200
    assert (
        "Bạn có chắc chắn?" in answer.text and "rời cửa hàng trực tuyến và các quầy thu ngân" in answer.text
    )
    assert await _statuses(session, item) == ["active"]  # asked, not done
    confirm = {
        "_csrf_token": token(answer.text),
        "reason": reason,
        "revoked_on": today().isoformat(),
        "decision_number": "",
        "confirm": "yes",
    }
    done = await client.post(page, data=confirm)
    assert done.status_code == 303, done.text
    assert await _statuses(session, item) == ["revoked"]
    await session.refresh(item)
    await session.commit()
    assert not product_is_sellable(item, today())
    again = await client.post(page, data=confirm)  # the back button, a double click
    assert again.status_code == 303 and await _statuses(session, item) == ["revoked"]
    shown = await client.get(done.headers["location"])
    assert "Đã thu hồi giấy chứng nhận" in shown.text and reason in shown.text
    assert page not in shown.text  # nothing left to revoke


async def test_revoking_before_the_decision_is_refused_at_the_first_step(client, session):
    item = await _product(session)
    cert = await f.certificate(session, item, 4, today=today())
    await session.commit()
    await login_as(client, session)
    page = f"/office/products/{item.id}/certificates/{cert.id}/revoke"
    early = (cert.decision_date - dt.timedelta(days=1)).isoformat()
    answer = await post(client, page, page, {"reason": "Sai sót", "revoked_on": early})
    assert answer.status_code == 422 and "Bạn có chắc chắn?" not in answer.text
    assert await _statuses(session, item) == ["active"]


async def test_other_roles_cannot_certify_or_revoke(client, session):
    item = await _product(session)
    cert = await f.certificate(session, item, 4, today=today())
    maker_code = (await session.get(Product, item.id)).producer_id
    await session.commit()
    code = (await session.get(Producer, maker_code)).code
    await session.commit()
    await login_as(client, session, Role.cooperative, producer_code=code)
    csrf = token((await client.get("/login")).text)
    assert (await client.get(f"/office/products/{item.id}")).status_code == 403
    refused = await client.post(
        f"/office/products/{item.id}/certificates/{cert.id}/revoke",
        data={"_csrf_token": csrf, "reason": "xx x", "confirm": "yes"},
    )
    assert refused.status_code == 403
    refused = await client.post(
        f"/office/products/{item.id}/certificates/", data={"_csrf_token": csrf} | _decision("9/QĐ", today())
    )
    assert refused.status_code == 403
    assert await _statuses(session, item) == [CertificateStatus.active.value]
