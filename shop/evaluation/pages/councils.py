"""The office's council screens (/office/evaluation/councils/): form a round's council, seat
its members, give it registrations, follow each one's signatures towards the quorum."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.models import Product
from shop.evaluation import councils
from shop.evaluation.council_schemas import CouncilIn, MemberIn
from shop.evaluation.models.registrations import EvaluationRound, Registration, RoundStatus
from shop.evaluation.models.scoring import Council, CouncilAssignment, MemberRole
from shop.evaluation.pages.base import attempt, done, render, round_names
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form, read
from shop.params import Id

BASE = "/office/evaluation/councils"


async def _open_rounds(session: AsyncSession) -> dict[int, str]:
    names = await round_names(session)
    live = set(
        await session.scalars(
            sa.select(EvaluationRound.id).where(
                EvaluationRound.status.in_((RoundStatus.open, RoundStatus.scoring))
            )
        )
    )
    return {rid: name for rid, name in names.items() if rid in live}


async def _candidates(
    session: AsyncSession, council: Council
) -> list[tuple[Registration, Product, int | None]]:
    """The round's registrations the council could take, with the council they are with."""
    rows = await session.execute(
        sa.select(Registration, Product, CouncilAssignment.council_id)
        .join(Product, Product.id == Registration.product_id)
        .outerjoin(CouncilAssignment, CouncilAssignment.registration_id == Registration.id)
        .where(Registration.round_id == council.round_id, Registration.status.in_(councils.ASSIGNABLE))
        .order_by(Product.name, Registration.id)
    )
    return [(r, p, c) for r, p, c in rows.all() if c != council.id]


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class OfficeCouncilPages(Controller):
    path = BASE
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        return await self._index(request, session, Form())

    async def _index(self, request: Request[Any, Any, Any], session: AsyncSession, form: Form) -> Template:
        return render(
            request,
            "evaluation/councils.html",
            status_code=200 if form.ok else form.status,
            councils=await councils.listing(session),
            rounds=await round_names(session),
            open_rounds=await _open_rounds(session),
            form=form,
        )

    @post("/")
    async def create(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        form = read(await request.form(), ("round_id", "name"))
        round_id = _int(form.get("round_id"))
        if round_id is None:
            form.error("round_id", gettext(N_("Choose the round.")))
        if not form.get("name"):
            form.error("name", gettext(N_("Name the council, e.g. Hội đồng đánh giá cấp tỉnh đợt 1.")))
        made = None
        if form.ok and round_id is not None:
            data = CouncilIn(round_id=round_id, name=form.get("name")[:200])
            made = await attempt(session, form, lambda: councils.create(session, data))
        if made is None:
            return await self._index(request, session, form)
        await session.commit()
        return done("council_created", f"{BASE}/{made.id}")

    @get("/{council_id:int}")
    async def detail(
        self, request: Request[Any, Any, Any], session: AsyncSession, council_id: Id
    ) -> Template:
        council = await councils.council_or_404(session, council_id)
        return await self._detail(request, session, council, Form())

    async def _detail(
        self, request: Request[Any, Any, Any], session: AsyncSession, council: Council, form: Form
    ) -> Template:
        found = await councils.detail(session, council)
        seated = {row.member.user_id for row in found.members}
        return render(
            request,
            "evaluation/council.html",
            status_code=200 if form.ok else form.status,
            found=found,
            round_name=(await round_names(session)).get(council.round_id, ""),
            accounts=[u for u in await councils.office_accounts(session) if u.id not in seated],
            candidates=await _candidates(session, council),
            roles=[r.value for r in MemberRole],
            form=form,
        )

    @post("/{council_id:int}/members")
    async def add_member(
        self, request: Request[Any, Any, Any], session: AsyncSession, council_id: Id
    ) -> Template | Redirect:
        council = await councils.council_or_404(session, council_id)
        form = read(await request.form(), ("user_id", "role"))
        user_id, role = _int(form.get("user_id")), form.get("role")
        if user_id is None:
            form.error("user_id", gettext(N_("Choose the person.")))
        if role not in {r.value for r in MemberRole}:
            form.error("role", gettext(N_("Choose the role.")))
        if form.ok and user_id is not None:
            data = MemberIn(user_id=user_id, role=MemberRole(role))
            if await attempt(session, form, lambda: councils.add_member(session, council, data)) is not None:
                await session.commit()
                return done("member_added", f"{BASE}/{council.id}")
        return await self._detail(request, session, council, form)

    @post("/{council_id:int}/members/{member_id:int}/remove")
    async def remove_member(
        self, request: Request[Any, Any, Any], session: AsyncSession, council_id: Id, member_id: Id
    ) -> Template | Redirect:
        council = await councils.council_or_404(session, council_id)
        form = Form()

        async def call() -> bool:
            await councils.remove_member(session, council, member_id)
            return True

        if await attempt(session, form, call):
            await session.commit()
            return done("member_removed", f"{BASE}/{council.id}")
        return await self._detail(request, session, council, form)

    @post("/{council_id:int}/assignments")
    async def assign(
        self, request: Request[Any, Any, Any], session: AsyncSession, council_id: Id
    ) -> Template | Redirect:
        council = await councils.council_or_404(session, council_id)
        data = await request.form()
        form = Form()
        chosen = [i for i in (_int(str(v)) for v in data.getall("registration", [])) if i is not None]
        if not chosen:
            form.error("registration", gettext(N_("Tick the registrations to give to the council.")))
            return await self._detail(request, session, council, form)

        async def call() -> bool:
            await councils.assign(session, council, chosen)
            return True

        if await attempt(session, form, call):
            await session.commit()
            return done("assigned", f"{BASE}/{council.id}")
        return await self._detail(request, session, council, form)

    @post("/{council_id:int}/assignments/{registration_id:int}/remove")
    async def unassign(
        self, request: Request[Any, Any, Any], session: AsyncSession, council_id: Id, registration_id: Id
    ) -> Template | Redirect:
        council = await councils.council_or_404(session, council_id)
        form = Form()

        async def call() -> bool:
            await councils.unassign(session, council, registration_id)
            return True

        if await attempt(session, form, call):
            await session.commit()
            return done("unassigned", f"{BASE}/{council.id}")
        return await self._detail(request, session, council, form)
