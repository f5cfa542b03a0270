"""Councils under /api/v1/evaluation/councils: the office forms a round's council, seats its
members (office accounts, one chair) and gives it registrations to score."""

from __future__ import annotations

import msgspec
from litestar import Controller, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.evaluation import councils
from shop.evaluation.api.outputs import council_out
from shop.evaluation.council_schemas import AssignmentIn, CouncilIn, CouncilOut, MemberIn
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of_list
from shop.params import Id, OptionalId


class CouncilSummaryOut(msgspec.Struct):
    id: int
    round_id: int
    name: str
    members: int
    registrations: int


class CouncilController(Controller):
    path = "/api/v1/evaluation/councils"
    tags = ["evaluation"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="listCouncils", summary="Councils, newest first; round_id filters")
    async def list_councils(
        self,
        session: AsyncSession,
        round_id: OptionalId = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[CouncilSummaryOut]:
        rows = await councils.listing(session, round_id)
        items = [CouncilSummaryOut(c.id, c.round_id, c.name, seats, given) for c, seats, given in rows]
        return page_of_list(items, page=page, page_size=page_size)

    @post("/", operation_id="createCouncil", summary="Form a round's council, with its members")
    async def create(self, session: AsyncSession, data: CouncilIn) -> CouncilOut:
        council = await councils.create(session, data)
        out = council_out(await councils.detail(session, council))
        await session.commit()
        return out

    @get("/{council_id:int}", operation_id="getCouncil")
    async def get_council(self, session: AsyncSession, council_id: Id) -> CouncilOut:
        council = await councils.council_or_404(session, council_id)
        return council_out(await councils.detail(session, council))

    @post("/{council_id:int}/members", operation_id="addCouncilMember", summary="Seat an office account")
    async def add_member(self, session: AsyncSession, council_id: Id, data: MemberIn) -> CouncilOut:
        council = await councils.council_or_404(session, council_id)
        await councils.add_member(session, council, data)
        out = council_out(await councils.detail(session, council))
        await session.commit()
        return out

    @delete("/{council_id:int}/members/{member_id:int}", operation_id="removeCouncilMember")
    async def remove_member(self, session: AsyncSession, council_id: Id, member_id: Id) -> None:
        council = await councils.council_or_404(session, council_id)
        await councils.remove_member(session, council, member_id)
        await session.commit()

    @post(
        "/{council_id:int}/assignments",
        operation_id="assignRegistrations",
        status_code=200,
        summary="Give registrations of the round to the council (all or nothing)",
    )
    async def assign(self, session: AsyncSession, council_id: Id, data: AssignmentIn) -> CouncilOut:
        council = await councils.council_or_404(session, council_id)
        await councils.assign(session, council, data.registration_ids)
        out = council_out(await councils.detail(session, council))
        await session.commit()
        return out

    @delete("/{council_id:int}/assignments/{registration_id:int}", operation_id="unassignRegistration")
    async def unassign(self, session: AsyncSession, council_id: Id, registration_id: Id) -> None:
        council = await councils.council_or_404(session, council_id)
        await councils.unassign(session, council, registration_id)
        await session.commit()
