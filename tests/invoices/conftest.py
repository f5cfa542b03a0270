"""The e-invoice tests: a local server that answers like Viettel SInvoice, and a seller for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.invoices.models import InvoiceSeller, Provider
from tests.inventory.conftest import world  # noqa: F401 - the fixture, shared
from tests.sinvoice_server import SInvoiceServer
from tests.till.conftest import till  # noqa: F401 - the fixture, shared


@pytest.fixture
def sinvoice() -> Iterator[SInvoiceServer]:
    server = SInvoiceServer().start()
    yield server
    server.stop()


async def add_seller(session: AsyncSession, server: SInvoiceServer, **values: object) -> InvoiceSeller:
    """The operator's default seller (or, with ``location_id``, a sales point's), on the test
    server's account."""
    fields: dict[str, object] = {
        "name": "Trung tâm Xúc tiến OCOP Bắc Kạn",
        "tax_code": server.state.tax_code,
        "address": "Phường Đức Xuân, Bắc Kạn",
        "provider": Provider.viettel,
        "template_code": "1/001",
        "till_series": "1C25MBH",
        "other_series": "1C25TAA",
        "vat_percent": 8,
    }
    seller = InvoiceSeller(**(fields | values))
    session.add(seller)
    await session.commit()
    return seller
