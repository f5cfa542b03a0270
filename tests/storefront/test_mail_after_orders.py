"""An order's emails leave after the answer only when there is an SMTP server to send them to;
without one the scheduler's next round writes them to ``var/mail`` (issue 20: the delivery
attempt after every order was about 7 % of a checkout's worker time, for a file)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from shop.orders.placing import after_commit, send_mail
from tests.storefront.conftest import Shop
from tests.storefront.support import cart_with, checkout_body, deliver_mail


async def test_without_an_smtp_host_the_order_answers_and_the_jobs_send(shop: Shop):
    cart = await cart_with(shop.client, (shop.world.honey.id, 1))
    body = checkout_body(cart, province=shop.province, commune=shop.commune)
    placed = await shop.client.post("/api/v1/checkout", json=body)
    assert placed.status_code == 201, placed.text
    assert not list(shop.mail_dir.glob("*.eml"))  # nothing delivered on the request's path
    await deliver_mail(shop.client)
    assert [p for p in shop.mail_dir.glob("*.eml") if placed.json()["number"] in p.read_text()]


def test_with_an_smtp_host_the_outbox_goes_after_the_answer(settings):
    def request(smtp_host: str | None) -> object:
        state = SimpleNamespace(db=object(), settings=dataclasses.replace(settings, smtp_host=smtp_host))
        return SimpleNamespace(app=SimpleNamespace(state=state))

    assert send_mail(request(None)) is None  # type: ignore[arg-type]
    assert len(after_commit(request(None)).tasks) == 1  # type: ignore[arg-type]  # the refunds only
    assert send_mail(request("smtp.example.vn")) is not None  # type: ignore[arg-type]
    assert len(after_commit(request("smtp.example.vn")).tasks) == 2  # type: ignore[arg-type]
