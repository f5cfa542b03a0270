"""The cooperative's own catalog and stock in its portal, read only: its products with their
OCOP certificates, and where its goods are now (its warehouse and the sales points holding
them on consignment). The office may look at any producer's with ``?producer=CODE``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_role
from shop.accounts.models import Role
from shop.catalog import photo_forms
from shop.catalog.api import Code
from shop.catalog.models import Certificate, CertificateStatus, Producer, Product
from shop.catalog.sellability import product_is_sellable, today
from shop.errors import NotFound
from shop.i18n import N_
from shop.inventory.models import Location, StockLevel


async def portal_producer(
    request: Request[Any, Any, Any], session: AsyncSession, code: str | None
) -> Producer:
    """Whose portal page this is: the cooperative's own producer; the office names one."""
    user = actor(request)
    if user.is_admin and code:
        found = await session.scalar(sa.select(Producer).where(Producer.code == code))
    else:
        found = await session.get(Producer, user.producer_id) if user.producer_id else None
    if found is None:
        raise NotFound(N_("No producer {key}."), key=code or "")
    return found


class CoopCatalogPages(Controller):
    path = "/coop"
    include_in_schema = False
    guards = [requires_role(Role.cooperative)]

    @get("/products")
    async def products(
        self, request: Request[Any, Any, Any], session: AsyncSession, producer: Code = None
    ) -> Template:
        maker = await portal_producer(request, session, producer)
        items = list(
            await session.scalars(
                sa.select(Product).where(Product.producer_id == maker.id).order_by(Product.name)
            )
        )
        certificates = {
            c.product_id: c
            for c in await session.scalars(
                sa.select(Certificate)
                .where(
                    Certificate.product_id.in_([p.id for p in items]),
                    Certificate.status.in_(
                        [CertificateStatus.active, CertificateStatus.expired, CertificateStatus.revoked]
                    ),
                )
                .order_by(Certificate.decision_date)
            )
        }
        on = today()
        rows = [(p, certificates.get(p.id), product_is_sellable(p, on)) for p in items]
        pictures = await photo_forms.counts(session, [p.id for p in items])
        return Template("coop/products.html", context={"producer": maker, "rows": rows, "pictures": pictures})

    @get("/stock")
    async def stock(
        self, request: Request[Any, Any, Any], session: AsyncSession, producer: Code = None
    ) -> Template:
        maker = await portal_producer(request, session, producer)
        rows = (
            await session.execute(
                sa.select(
                    Location.code,
                    Location.name,
                    Location.kind,
                    Product.name,
                    StockLevel.ownership,
                    sa.func.sum(StockLevel.on_hand),
                    sa.func.sum(StockLevel.reserved),
                )
                .join(StockLevel, StockLevel.location_id == Location.id)
                .join(Product, Product.id == StockLevel.product_id)
                .where(Product.producer_id == maker.id)
                .group_by(Location.code, Location.name, Location.kind, Product.name, StockLevel.ownership)
                .having(sa.func.sum(StockLevel.on_hand) > 0)
                .order_by(Location.kind, Location.name, Product.name)
            )
        ).all()
        return Template("coop/stock.html", context={"producer": maker, "rows": rows})
