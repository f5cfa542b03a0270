"""Catalog endpoints under /api/v1: public reads, office (admin) writes. Where a product is in
stock is asked of ``stock`` (``queries.Stock``), which the app provides from inventory."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, MediaType, Request, Response, get, patch, post
from litestar.openapi import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import current_user, requires_admin
from shop.catalog import (
    cache,
    certificates,
    group_queries,
    producer_queries,
    product_queries,
    queries,
    schemas,
    services,
)
from shop.catalog.sellability import today
from shop.db import Database, engine_key
from shop.i18n import current_language
from shop.paging import MAX_PAGE_SIZE, Page, PageNumber, paginate
from shop.paging import PageSize as AnyPageSize
from shop.params import Id

Sort = Literal["name", "-name", "price", "-price", "stars", "-stars", "newest"]
# Products are the heaviest rows to build: their pages stop at a lower size than the others.
PageSize = Annotated[int, Parameter(ge=1, le=queries.MAX_PAGE_SIZE)]
Text = Annotated[str | None, Parameter(max_length=200)]
Code = Annotated[str | None, Parameter(max_length=40)]  # a group, producer or sales point code
Stars = Annotated[int | None, Parameter(ge=3, le=5)]
# Ids are 32-bit integers in the database: larger numbers name nothing and are refused early.


def _key(value: str) -> int | str:
    """Producers are addressed by id or by code."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value


class ProductController(Controller):
    path = "/api/v1/products"
    tags = ["catalog"]

    @get(
        "/",
        operation_id="listProducts",
        summary="Sellable certified products",
        responses={200: ResponseSpec(data_container=Page[schemas.ProductSummary])},
    )
    async def list_products(
        self,
        request: Request[Any, Any, Any],
        stock: queries.Stock,
        q: Text = None,
        province: Text = None,
        group: Code = None,
        min_stars: Stars = None,
        producer: Code = None,
        sales_point: Annotated[
            str | None, Parameter(max_length=40, description="in stock at this sales point or fair")
        ] = None,
        min_price: Annotated[int | None, Parameter(ge=0, le=10**12, description="VND")] = None,
        max_price: Annotated[int | None, Parameter(ge=0, le=10**12, description="VND")] = None,
        sort: Sort = "name",
        page: PageNumber = 1,
        page_size: PageSize = 24,
    ) -> Response[bytes]:
        filters = queries.ProductFilter(
            q=q,
            province=province,
            group=group,
            min_stars=min_stars,
            producer=producer,
            sales_point=sales_point,
            min_price=min_price,
            max_price=max_price,
            sort=sort,
        )
        language, on = current_language(), today()
        db: Database = request.app.state.db

        async def compute() -> bytes:
            # Its own session: other requests may wait on this result after this one is gone.
            async with db.read_sessions() as own:
                result = await queries.list_products(
                    own, filters, page=page, page_size=page_size, on=on, language=language, stock=stock
                )
            return msgspec.json.encode(result)

        key = (engine_key(db.engine.sync_engine), filters, page, page_size, language, on)
        return Response(await cache.responses.get_or_compute(key, compute), media_type=MediaType.JSON)

    @get("/{product_id:int}", operation_id="getProduct", summary="One product with its certificate")
    async def get_product(
        self, request: Request[Any, Any, Any], session: AsyncSession, stock: queries.Stock, product_id: Id
    ) -> schemas.ProductDetail:
        user = current_user(request)
        return await product_queries.product_detail(
            session,
            product_id,
            on=today(),
            language=current_language(),
            with_history=bool(user and user.is_admin),
            stock=stock,
        )

    @post("/", operation_id="createProduct", guards=[requires_admin], security=[{"bearer": []}])
    async def create_product(
        self, session: AsyncSession, stock: queries.Stock, data: schemas.ProductIn
    ) -> schemas.ProductDetail:
        product = await services.create_product(session, data)
        await cache.commit(session)
        return await product_queries.product_detail(
            session, product.id, on=today(), language=current_language(), with_history=True, stock=stock
        )

    @patch(
        "/{product_id:int}", operation_id="updateProduct", guards=[requires_admin], security=[{"bearer": []}]
    )
    async def update_product(
        self, session: AsyncSession, stock: queries.Stock, product_id: Id, data: schemas.ProductPatch
    ) -> schemas.ProductDetail:
        await services.update_product(session, product_id, data)
        await cache.commit(session)
        return await product_queries.product_detail(
            session, product_id, on=today(), language=current_language(), with_history=True, stock=stock
        )

    @post(
        "/{product_id:int}/quality-certifications",
        operation_id="addQualityCertification",
        guards=[requires_admin],
        security=[{"bearer": []}],
    )
    async def add_quality(
        self, session: AsyncSession, stock: queries.Stock, product_id: Id, data: schemas.QualityIn
    ) -> schemas.ProductDetail:
        await services.add_quality(session, product_id, data)
        await cache.commit(session)
        return await product_queries.product_detail(
            session, product_id, on=today(), language=current_language(), with_history=True, stock=stock
        )


class ProducerController(Controller):
    path = "/api/v1/producers"
    tags = ["catalog"]

    @get("/", operation_id="listProducers")
    async def list_producers(
        self,
        session: AsyncSession,
        q: Text = None,
        kind: Literal["cooperative", "enterprise", "cooperative_group", "household_business"] | None = None,
        page: PageNumber = 1,
        page_size: PageSize = 24,
    ) -> Page[schemas.ProducerOut]:
        return await producer_queries.list_producers(
            session, q=q, kind=kind, page=page, page_size=page_size, on=today()
        )

    @get("/{key:str}", operation_id="getProducer", summary="A producer (by id or code) and its products")
    async def get_producer(self, session: AsyncSession, key: str) -> schemas.ProducerDetail:
        return await producer_queries.producer_detail(
            session, _key(key), on=today(), language=current_language()
        )

    @post("/", operation_id="createProducer", guards=[requires_admin], security=[{"bearer": []}])
    async def create_producer(
        self, session: AsyncSession, data: schemas.ProducerIn
    ) -> schemas.ProducerDetail:
        producer = await services.create_producer(session, data)
        await cache.commit(session)
        return await producer_queries.producer_detail(
            session, producer.id, on=today(), language=current_language()
        )

    @patch("/{key:str}", operation_id="updateProducer", guards=[requires_admin], security=[{"bearer": []}])
    async def update_producer(
        self, session: AsyncSession, key: str, data: schemas.ProducerPatch
    ) -> schemas.ProducerDetail:
        producer = await services.update_producer(session, _key(key), data)
        await cache.commit(session)
        return await producer_queries.producer_detail(
            session, producer.id, on=today(), language=current_language()
        )


class CertificateController(Controller):
    path = "/api/v1/certificates"
    tags = ["certificates"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @post("/", operation_id="certifyProduct", summary="Record a certification (supersedes the active one)")
    async def certify(self, session: AsyncSession, data: schemas.CertificateIn) -> schemas.CertificateOut:
        cert = await certificates.certify(session, data, today=today())
        await cache.commit(session)
        return product_queries.certificate_out(cert)

    @get("/{certificate_id:uuid}", operation_id="getCertificate")
    async def get_certificate(
        self, session: AsyncSession, certificate_id: uuid.UUID
    ) -> schemas.CertificateOut:
        return product_queries.certificate_out(await certificates.find_certificate(session, certificate_id))

    @post("/{certificate_id:uuid}/revoke", operation_id="revokeCertificate", status_code=200)
    async def revoke(
        self, session: AsyncSession, certificate_id: uuid.UUID, data: schemas.RevocationIn
    ) -> schemas.CertificateOut:
        cert = await certificates.revoke(session, certificate_id, data, today=today())
        await cache.commit(session)
        return product_queries.certificate_out(cert)


class GroupController(Controller):
    path = "/api/v1/groups"
    tags = ["catalog"]

    @get("/", operation_id="listGroups", summary="OCOP product groups and sub-groups")
    async def list_groups(
        self, session: AsyncSession, page: PageNumber = 1, page_size: AnyPageSize = MAX_PAGE_SIZE
    ) -> Page[schemas.GroupOut]:
        rows, total = await paginate(session, group_queries.groups_select(), page=page, page_size=page_size)
        return Page(items=group_queries.group_outs(rows), total=total, page=page, page_size=page_size)
