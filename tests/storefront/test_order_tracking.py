"""What the tracking page says of progress, as pure rules: each parcel's steps, the order's
state following its parcels, the carriers' tracking pages, and the banks named by BIN."""

from __future__ import annotations

import pytest

from shop.orders.tracking import Parcel, carrier_link, overall, steps
from shop.payments.banks import bank_name
from shop.text import fold, search_terms


def test_a_parcels_steps_are_done_up_to_its_state():
    shipped = steps(Parcel("shipped", at_pickup_point=False))
    assert [(s.status, s.done, s.current) for s in shipped] == [
        ("accepted", True, False),
        ("packed", True, False),
        ("shipped", True, True),
        ("delivered", False, False),
    ]
    assert not any(s.done for s in steps(Parcel("new", at_pickup_point=False)))
    assert not any(s.done for s in steps(Parcel("rejected", at_pickup_point=False)))


def test_a_sales_point_preparing_its_own_pickup_has_no_shipping_step():
    ready = steps(Parcel("shipped", at_pickup_point=True))  # handed over at the counter next
    assert [(s.status, s.done) for s in ready] == [("accepted", True), ("packed", True), ("delivered", False)]


@pytest.mark.parametrize(
    ("order", "delivery", "parcels", "expected"),
    [
        ("awaiting_payment", "ship", [("new", False)], "awaiting_payment"),
        ("placed", "ship", [("new", False), ("new", False)], "waiting"),
        ("paid", "ship", [("accepted", False), ("new", False)], "preparing"),
        ("paid", "ship", [("shipped", False), ("shipped", False)], "shipped"),
        ("paid", "ship", [("delivered", False), ("shipped", False)], "partly_done"),
        ("paid", "ship", [("delivered", False), ("rejected", False)], "done"),
        ("paid", "ship", [("rejected", False)], "cancelled"),
        ("placed", "pickup", [("packed", True)], "ready"),
        ("placed", "pickup", [("packed", True), ("shipped", False)], "preparing"),  # still on its way
        ("placed", "pickup", [("packed", True), ("delivered", False)], "ready"),  # both at the point
        ("placed", "pickup", [("delivered", True), ("shipped", False)], "partly_done"),
        ("placed", "pickup", [("delivered", True)], "done"),
    ],
)
def test_the_orders_state_follows_its_parcels(
    order: str, delivery: str, parcels: list[tuple[str, bool]], expected: str
):
    assert overall(order, delivery, [Parcel(s, at) for s, at in parcels]) == expected


def test_a_known_carrier_links_to_its_tracking_page():
    assert carrier_link("GHN", "GY7X") == "https://donhang.ghn.vn/?order_code=GY7X"
    assert carrier_link("Giao hàng tiết kiệm", "S1/2") == "https://i.ghtk.vn/S1%2F2"
    assert carrier_link("VNPost", "EB123VN") == "https://www.vnpost.vn/vi-vn/dinh-vi/buu-pham?key=EB123VN"
    assert carrier_link("Xe khách Hà Giang", "123") is None
    assert carrier_link("GHN", None) is None


def test_a_transfer_names_its_bank():
    assert bank_name("970436") == "Vietcombank" and bank_name("970405") == "Agribank"
    assert bank_name("999999") is None and bank_name(None) is None


def test_search_words_keep_every_script():
    # Folded like the stored search text (Hangul decomposed into jamo, on both sides alike).
    assert search_terms("꿀 벌꿀") == [fold("꿀"), fold("벌꿀")] and search_terms("蜂蜜") == ["蜂蜜"]
    assert search_terms("Mật ong, rừng!") == ["mat", "ong", "rung"]
    assert search_terms("!!! ...") == []
