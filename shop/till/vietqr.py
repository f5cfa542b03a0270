"""VietQR: the NAPAS flavour of the EMVCo merchant-presented QR code, for bank transfers.

Any Vietnamese banking app scans it and fills in the bank, the account, the exact amount
and the transfer's purpose (our sale reference), so the cashier only has to see the money
arrive. The payload is a list of ID-length-value fields ending in a CRC-16/CCITT-FALSE of
everything before it (EMVCo QRCPS §4.7); ``38`` carries NAPAS's GUID, the bank's BIN and
the account, with service code ``QRIBFTTA`` (transfer to an account).
"""

from __future__ import annotations

import binascii
import re

from shop.text import fold

NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
VND = "704"
_PURPOSE_CHARS = re.compile(r"[^0-9A-Za-z .-]")


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), four upper-case hex digits."""
    return f"{binascii.crc_hqx(data.encode('ascii'), 0xFFFF):04X}"


def purpose(text: str) -> str:
    """What banking apps accept as the transfer's purpose: plain ASCII, at most 25 characters."""
    return _PURPOSE_CHARS.sub("", fold(text).upper())[:25].strip()


def payload(*, bank_bin: str, account: str, amount: int | None, reference: str) -> str:
    """The QR's text. ``amount`` None makes a static code (the payer types the amount)."""
    account_info = _field("00", NAPAS_GUID) + _field("01", _field("00", bank_bin) + _field("01", account))
    fields = [
        _field("00", "01"),
        _field("01", "11" if amount is None else "12"),
        _field("38", account_info + _field("02", TO_ACCOUNT)),
        _field("53", VND),
    ]
    if amount is not None:
        fields.append(_field("54", str(amount)))
    fields.append(_field("58", "VN"))
    if ref := purpose(reference):
        fields.append(_field("62", _field("08", ref)))
    body = "".join(fields) + "6304"
    return body + crc16(body)


def svg(data: str, *, scale: int = 4) -> str:
    """The QR code as inline SVG (no script, no external file: it prints and works offline)."""
    import segno  # imported here: QR codes are drawn on a few pages only (segno costs about 9 MiB)

    return str(segno.make(data, error="m").svg_inline(scale=scale, border=2))
