"""VietQR payloads: EMVCo fields in order, NAPAS account info, a CRC that checks."""

from __future__ import annotations

import httpx

from shop.till import vietqr
from tests import factories
from tests.inventory.conftest import World


def fields(payload: str) -> dict[str, str]:
    """Top-level ID-length-value fields of an EMVCo payload."""
    out, i = {}, 0
    while i < len(payload):
        tag, length = payload[i : i + 2], int(payload[i + 2 : i + 4])
        out[tag] = payload[i + 4 : i + 4 + length]
        i += 4 + length
    return out


def test_crc_is_ccitt_false() -> None:
    assert vietqr.crc16("123456789") == "29B1"  # the standard check value


def test_a_dynamic_code_carries_bank_account_amount_and_purpose() -> None:
    payload = vietqr.payload(
        bank_bin="970405", account="8838701180001", amount=115_000, reference="SP-BACKAN 1a2b"
    )
    f = fields(payload)
    assert (
        f["00"] == "01" and f["01"] == "12" and f["53"] == "704" and f["54"] == "115000" and f["58"] == "VN"
    )
    account = fields(f["38"])
    assert account["00"] == "A000000727" and account["02"] == "QRIBFTTA"
    assert fields(account["01"]) == {"00": "970405", "01": "8838701180001"}
    assert fields(f["62"]) == {"08": "SP-BACKAN 1A2B"}
    assert f["63"] == vietqr.crc16(payload[:-4])
    static = fields(vietqr.payload(bank_bin="970405", account="1", amount=None, reference=""))
    assert static["01"] == "11" and "54" not in static and "62" not in static


def test_the_purpose_is_plain_ascii() -> None:
    assert vietqr.purpose("Thanh toán đơn hàng số 12") == "THANH TOAN DON HANG SO 12"


async def test_the_till_asks_for_a_code_and_is_told_when_there_is_no_account(
    client: httpx.AsyncClient, world: World, session
) -> None:
    headers = await factories.bearer(client, world.staff)
    missing = await client.get("/api/v1/sales-points/SP-A/vietqr", params={"amount": 1000}, headers=headers)
    assert missing.status_code == 409 and missing.json()["code"] == "no_bank_account"
    admin = await factories.bearer(client, world.admin)
    account = {"bank_bin": "970405", "bank_account_number": "123456789", "bank_account_name": "DIEM BAN A"}
    assert (await client.patch("/api/v1/sales-points/SP-A", json=account, headers=admin)).status_code == 200
    qr = await client.get(
        "/api/v1/sales-points/SP-A/vietqr", params={"amount": 1000, "reference": "SP-A x"}, headers=headers
    )
    assert qr.status_code == 200 and qr.json()["svg"].startswith("<svg")
    assert fields(qr.json()["payload"])["54"] == "1000"
