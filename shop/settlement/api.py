"""Settlement statements under /api/v1: a cooperative reads its own producer's (another
producer's answers 404, as one that does not exist); the office prepares, approves and
marks them paid, and exports any of them."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_login
from shop.accounts.models import Role
from shop.accounts.services import CurrentUser
from shop.catalog.models import Producer
from shop.errors import NotFound
from shop.i18n import N_
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of, paginate, paginate_scalars
from shop.settlement import exports, statements
from shop.settlement.models import Statement, StatementStatus
from shop.settlement.schemas import MonthIn, PayIn, StatementOut
from shop.settlement.views import statement_out
from shop.web import CSV_TYPE, XLSX_TYPE, download

ProducerCode = Annotated[str, Parameter(max_length=40)]
Month = Annotated[str, Parameter(max_length=7, description="YYYY-MM")]


async def visible_producer(session: AsyncSession, user: CurrentUser, code: str) -> Producer:
    """The producer if the user may read its statements (its cooperative, the office)."""
    producer = await session.scalar(sa.select(Producer).where(Producer.code == code))
    allowed = user.is_admin or (
        user.role is Role.cooperative and producer is not None and user.producer_id == producer.id
    )
    if producer is None or not allowed:
        raise NotFound(N_("No producer {key}."), key=code)
    return producer


async def statement_of(
    session: AsyncSession, user: CurrentUser, code: str, month: str
) -> tuple[Producer, Statement]:
    producer = await visible_producer(session, user, code)
    return producer, await statements.find(session, producer, statements.parse_month(month))


def _default_bp(request: Request[Any, Any, Any]) -> int:
    return int(request.app.state.settings.commission_bp)


class StatementController(Controller):
    path = "/api/v1/producers/{code:str}/statements"
    tags = ["settlement"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get("/", operation_id="listStatements", summary="A producer's settlement statements, newest first")
    async def index(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: ProducerCode,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[StatementOut]:
        producer = await visible_producer(session, actor(request), code)
        stmt = (
            sa.select(Statement)
            .where(Statement.producer_id == producer.id)
            .order_by(Statement.month.desc(), Statement.id.desc())
        )
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        items = [await statement_out(session, s, producer, with_lines=False) for s in found]
        return page_of(items, total, page=page, page_size=page_size)

    @post(
        "/",
        operation_id="prepareStatement",
        summary="Compute a month's draft again from its sales, refunds and returns",
        guards=[requires_admin],
        status_code=200,
    )
    async def prepare(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, data: MonthIn
    ) -> StatementOut:
        producer = await visible_producer(session, actor(request), code)
        month = statements.parse_month(data.month)
        statement = await statements.prepare(session, producer, month, default_bp=_default_bp(request))
        await session.commit()
        return await statement_out(session, statement, producer)

    @get("/{month:str}", operation_id="getStatement", summary="One month's statement with its lines")
    async def show(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: Month
    ) -> StatementOut:
        producer, statement = await statement_of(session, actor(request), code, month)
        return await statement_out(session, statement, producer)

    @get("/{month:str}/export.csv", operation_id="exportStatementCsv", summary="The statement as CSV")
    async def csv(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: Month
    ) -> Response[bytes]:
        producer, statement = await statement_of(session, actor(request), code, month)
        out = await statement_out(session, statement, producer)
        return download(exports.to_csv(out), CSV_TYPE, exports.filename(out, "csv"))

    @get("/{month:str}/export.xlsx", operation_id="exportStatementXlsx", summary="The statement as Excel")
    async def xlsx(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: Month
    ) -> Response[bytes]:
        producer, statement = await statement_of(session, actor(request), code, month)
        out = await statement_out(session, statement, producer)
        return download(exports.to_xlsx(out), XLSX_TYPE, exports.filename(out, "xlsx"))

    @post(
        "/{month:str}/approve",
        operation_id="approveStatement",
        summary="The office approves a past month's figures (computed one last time)",
        guards=[requires_admin],
        status_code=200,
    )
    async def approve(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: Month
    ) -> StatementOut:
        user = actor(request)
        producer = await visible_producer(session, user, code)
        statement = await statements.approve(
            session, producer, statements.parse_month(month), user, default_bp=_default_bp(request)
        )
        await session.commit()
        return await statement_out(session, statement, producer)

    @post(
        "/{month:str}/pay",
        operation_id="payStatement",
        summary="The office paid the amount due (or received it), with the bank reference",
        guards=[requires_admin],
        status_code=200,
    )
    async def pay(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: ProducerCode,
        month: Month,
        data: PayIn,
    ) -> StatementOut:
        user = actor(request)
        producer = await visible_producer(session, user, code)
        statement = await statements.pay(
            session, producer, statements.parse_month(month), user, data.reference
        )
        await session.commit()
        return await statement_out(session, statement, producer)


class OfficeStatementController(Controller):
    path = "/api/v1/statements"
    tags = ["settlement"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="listMonthStatements", summary="Every producer's statement for a month")
    async def index(
        self,
        session: AsyncSession,
        month: Month,
        status: StatementStatus | None = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[StatementOut]:
        wanted = statements.parse_month(month)
        stmt = (
            sa.select(Statement, Producer)
            .join(Producer, Producer.id == Statement.producer_id)
            .where(Statement.month == wanted)
            .order_by(Producer.code, Statement.id)
        )
        if status is not None:
            stmt = stmt.where(Statement.status == status)
        rows, total = await paginate(session, stmt, page=page, page_size=page_size)
        items = [await statement_out(session, s, p, with_lines=False) for s, p in rows]
        return page_of(items, total, page=page, page_size=page_size)

    @post(
        "/prepare",
        operation_id="prepareMonthStatements",
        summary="Drafts for every producer with sales, refunds or returns in a month",
        status_code=200,
    )
    async def prepare(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: MonthIn
    ) -> list[StatementOut]:
        month = statements.parse_month(data.month)
        drafts = await statements.prepare_month(session, month, default_bp=_default_bp(request))
        await session.commit()
        producers = {
            p.id: p
            for p in await session.scalars(
                sa.select(Producer).where(Producer.id.in_([d.producer_id for d in drafts]))
            )
        }
        return [await statement_out(session, d, producers[d.producer_id], with_lines=False) for d in drafts]
