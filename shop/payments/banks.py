"""Vietnamese banks by their NAPAS BIN, so a transfer's instructions name the bank a person
chooses in their banking app (the QR code carries only the BIN)."""

from __future__ import annotations

# The banks' short names as their apps and the NAPAS list write them.
BANKS = {
    "970400": "Saigonbank",
    "970403": "Sacombank",
    "970405": "Agribank",
    "970406": "DongA Bank",
    "970407": "Techcombank",
    "970409": "BacA Bank",
    "970412": "PVcomBank",
    "970414": "OceanBank",
    "970415": "VietinBank",
    "970416": "ACB",
    "970418": "BIDV",
    "970419": "NCB",
    "970422": "MB Bank",
    "970423": "TPBank",
    "970425": "ABBANK",
    "970426": "MSB",
    "970427": "VietABank",
    "970428": "Nam A Bank",
    "970429": "SCB",
    "970431": "Eximbank",
    "970432": "VPBank",
    "970436": "Vietcombank",
    "970437": "HDBank",
    "970440": "SeABank",
    "970441": "VIB",
    "970443": "SHB",
    "970448": "OCB",
    "970449": "LPBank",
    "970454": "Viet Capital Bank",
}


def bank_name(bank_bin: str | None) -> str | None:
    """The bank's name, or None for a BIN not in the list (the page then shows the BIN)."""
    return BANKS.get((bank_bin or "").strip())
