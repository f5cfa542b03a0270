"""Councils (hội đồng): a round's council, its members (office accounts, one chair) and the
registrations it scores. Membership is the scope of scoring: a member reads and scores only
the registrations given to their council, and nobody else learns that they exist (404)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Account, PiccoloUser, Role
from shop.catalog.models import Producer, Product
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.evaluation.council_schemas import CouncilIn, MemberIn
from shop.evaluation.models.registrations import (
    EvaluationRound,
    Registration,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.models.scoring import (
    Council,
    CouncilAssignment,
    CouncilMember,
    MemberRole,
    ScoreSheet,
    ScoreSheetStatus,
)
from shop.i18n import N_

# A registration goes to a council once the office accepted its dossier (the commune's check
# and the advisory group may come before or while the council is formed).
ASSIGNABLE = (RegistrationStatus.accepted, RegistrationStatus.commune_checked, RegistrationStatus.reviewed)
# Council members are the office's accounts: they sign for the province.
MEMBER_ROLES = (Role.admin,)


def quorum(members: int) -> int:
    """Signed sheets a result needs: at least 75 % of the members (rounded up)."""
    return (3 * members + 3) // 4


@dataclass(frozen=True)
class MemberRow:
    member: CouncilMember
    username: str
    name: str


@dataclass(frozen=True)
class AssignedRow:
    registration: Registration
    product: Product
    producer: Producer
    signed_sheets: int


@dataclass(frozen=True)
class CouncilDetail:
    council: Council
    round: EvaluationRound
    members: list[MemberRow]
    registrations: list[AssignedRow]
    scored: set[int]  # members who have a sheet: they stay on the council

    @property
    def quorum(self) -> int:
        return quorum(len(self.members))


def _not_found(council_id: int) -> NotFound:
    return NotFound(N_("No council {key}."), key=council_id)


async def council_or_404(session: AsyncSession, council_id: int) -> Council:
    council = await session.get(Council, council_id)
    if council is None:
        raise _not_found(council_id)
    return council


async def create(session: AsyncSession, data: CouncilIn) -> Council:
    found = await session.get(EvaluationRound, data.round_id)
    if found is None:
        raise InvalidInput(errors=[field_error("round_id", N_("No round {key}."), key=data.round_id)])
    if not data.name.strip():
        raise InvalidInput(
            errors=[field_error("name", N_("Name the council, e.g. Hội đồng đánh giá cấp tỉnh đợt 1."))]
        )
    if found.status in (RoundStatus.decided, RoundStatus.closed):
        raise Conflict(N_("This round is over: its councils can no longer change."), error_code="round_over")
    council = Council(round_id=found.id, name=data.name.strip())
    session.add(council)
    await session.flush()
    for i, member in enumerate(data.members):
        await add_member(session, council, member, field=f"members[{i}]")
    return council


async def add_member(
    session: AsyncSession, council: Council, data: MemberIn, *, field: str = ""
) -> CouncilMember:
    """Seat an office account on the council; a council has one chair."""
    prefix = f"{field}." if field else ""
    role = await session.scalar(sa.select(Account.role).where(Account.user_id == data.user_id))
    if role not in MEMBER_ROLES:
        message = N_("Only an office account can sit on a council.")
        raise InvalidInput(errors=[field_error(f"{prefix}user_id", message)])
    seated = await session.scalar(
        sa.select(CouncilMember).where(
            CouncilMember.council_id == council.id, CouncilMember.user_id == data.user_id
        )
    )
    if seated is not None:
        message = N_("This person already sits on the council.")
        raise Conflict(
            message, error_code="already_member", errors=[field_error(f"{prefix}user_id", message)]
        )
    if data.role is MemberRole.chair and await _chair(session, council.id) is not None:
        message = N_("The council already has a chair.")
        raise Conflict(message, error_code="one_chair", errors=[field_error(f"{prefix}role", message)])
    member = CouncilMember(council_id=council.id, user_id=data.user_id, role=data.role)
    session.add(member)
    await session.flush()
    return member


async def _chair(session: AsyncSession, council_id: int) -> CouncilMember | None:
    return await session.scalar(
        sa.select(CouncilMember).where(
            CouncilMember.council_id == council_id, CouncilMember.role == MemberRole.chair
        )
    )


async def remove_member(session: AsyncSession, council: Council, member_id: int) -> None:
    """A member who scored stays: their sheets count for the quorum and the mean."""
    member = await session.get(CouncilMember, member_id)
    if member is None or member.council_id != council.id:
        raise NotFound(N_("No member {key} on this council."), key=member_id)
    scored = await session.scalar(sa.select(ScoreSheet.id).where(ScoreSheet.member_id == member.id).limit(1))
    if scored is not None:
        raise Conflict(N_("This member has scored: they stay on the council."), error_code="member_scored")
    await session.delete(member)
    await session.flush()


async def assign(session: AsyncSession, council: Council, registration_ids: Sequence[int]) -> None:
    """Give registrations of the council's round to it; one not scored yet may move from
    another council. All or nothing: any refused registration refuses the request."""
    errors = []
    chosen = []
    for i, registration_id in enumerate(dict.fromkeys(registration_ids)):
        registration = await session.get(Registration, registration_id)
        message = _unassignable(council, registration)
        if message is None and registration is not None:
            message = await _moving_refused(session, council, registration)
        if message is not None:
            errors.append(field_error(f"registration_ids[{i}]", message, key=registration_id))
        elif registration is not None:
            chosen.append(registration)
    if errors:
        raise InvalidInput(errors=errors)
    for registration in chosen:
        await _place(session, council, registration)
    await session.flush()


def _unassignable(council: Council, registration: Registration | None) -> str | None:
    if registration is None or registration.round_id != council.round_id:
        return N_("No registration {key} in this council's round.")
    if registration.status not in ASSIGNABLE:
        return N_(
            "Registration {key} is not ready for a council (its dossier is not accepted, or it is ranked)."
        )
    return None


async def _moving_refused(session: AsyncSession, council: Council, registration: Registration) -> str | None:
    current = await session.scalar(
        sa.select(CouncilAssignment.council_id).where(CouncilAssignment.registration_id == registration.id)
    )
    if current is None or current == council.id:
        return None
    if await _sheet_count(session, registration.id) > 0:
        return N_("Registration {key} is being scored by another council.")
    return None


async def _place(session: AsyncSession, council: Council, registration: Registration) -> None:
    assignment = await session.scalar(
        sa.select(CouncilAssignment).where(CouncilAssignment.registration_id == registration.id)
    )
    if assignment is None:
        session.add(CouncilAssignment(council_id=council.id, registration_id=registration.id))
    else:
        assignment.council_id = council.id


async def unassign(session: AsyncSession, council: Council, registration_id: int) -> None:
    assignment = await session.scalar(
        sa.select(CouncilAssignment).where(
            CouncilAssignment.registration_id == registration_id, CouncilAssignment.council_id == council.id
        )
    )
    if assignment is None:
        raise NotFound(N_("No registration {key} on this council."), key=registration_id)
    if await _sheet_count(session, registration_id) > 0:
        raise Conflict(
            N_("Members have scored this registration: it stays with the council."), error_code="scored"
        )
    await session.delete(assignment)
    await session.flush()


async def _sheet_count(session: AsyncSession, registration_id: int, *, signed: bool = False) -> int:
    stmt = sa.select(sa.func.count(ScoreSheet.id)).where(ScoreSheet.registration_id == registration_id)
    if signed:
        stmt = stmt.where(ScoreSheet.status == ScoreSheetStatus.signed)
    return int(await session.scalar(stmt) or 0)


async def members(session: AsyncSession, council_id: int) -> list[MemberRow]:
    """The members, chair first, then the secretary, then by name."""
    rows = await session.execute(
        sa.select(CouncilMember, PiccoloUser)
        .join(PiccoloUser, PiccoloUser.id == CouncilMember.user_id)
        .where(CouncilMember.council_id == council_id)
        .order_by(CouncilMember.id)
    )
    order = {MemberRole.chair: 0, MemberRole.secretary: 1, MemberRole.member: 2}
    found = [MemberRow(m, u.username, display_name(u)) for m, u in rows.all()]
    return sorted(found, key=lambda row: (order[row.member.role], row.name.lower()))


def display_name(user: PiccoloUser) -> str:
    full = " ".join(part for part in (user.last_name, user.first_name) if part)
    return full or user.username


async def detail(session: AsyncSession, council: Council) -> CouncilDetail:
    found = await session.get(EvaluationRound, council.round_id)
    assert found is not None  # a foreign key
    signed = (
        sa.select(sa.func.count(ScoreSheet.id))
        .where(ScoreSheet.registration_id == Registration.id, ScoreSheet.status == ScoreSheetStatus.signed)
        .scalar_subquery()
    )
    rows = await session.execute(
        sa.select(Registration, Product, Producer, signed)
        .join(CouncilAssignment, CouncilAssignment.registration_id == Registration.id)
        .join(Product, Product.id == Registration.product_id)
        .join(Producer, Producer.id == Registration.producer_id)
        .where(CouncilAssignment.council_id == council.id)
        .order_by(Product.name, Registration.id)
    )
    assigned = [AssignedRow(r, p, m, int(n or 0)) for r, p, m, n in rows.all()]
    seats = await members(session, council.id)
    scored = set(
        await session.scalars(
            sa.select(ScoreSheet.member_id)
            .where(ScoreSheet.member_id.in_([row.member.id for row in seats]))
            .distinct()
        )
    )
    return CouncilDetail(council, found, seats, assigned, scored)


async def listing(session: AsyncSession, round_id: int | None = None) -> list[tuple[Council, int, int]]:
    """Councils (newest first) with their numbers of members and of registrations."""
    seats = (
        sa.select(sa.func.count(CouncilMember.id))
        .where(CouncilMember.council_id == Council.id)
        .scalar_subquery()
    )
    given = (
        sa.select(sa.func.count(CouncilAssignment.id))
        .where(CouncilAssignment.council_id == Council.id)
        .scalar_subquery()
    )
    stmt = sa.select(Council, seats, given).order_by(Council.id.desc())
    if round_id is not None:
        stmt = stmt.where(Council.round_id == round_id)
    return [(c, int(s or 0), int(g or 0)) for c, s, g in (await session.execute(stmt)).all()]


async def membership(session: AsyncSession, user_id: int, registration_id: int) -> CouncilMember | None:
    """The user's seat on the council the registration was given to, if they have one."""
    return await session.scalar(
        sa.select(CouncilMember)
        .join(CouncilAssignment, CouncilAssignment.council_id == CouncilMember.council_id)
        .where(CouncilAssignment.registration_id == registration_id, CouncilMember.user_id == user_id)
    )


async def council_of(session: AsyncSession, registration_id: int) -> Council | None:
    return await session.scalar(
        sa.select(Council)
        .join(CouncilAssignment, CouncilAssignment.council_id == Council.id)
        .where(CouncilAssignment.registration_id == registration_id)
    )


async def registration_or_404(session: AsyncSession, registration_id: int) -> Registration:
    registration = await session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(N_("No registration {key}."), key=registration_id)
    return registration


async def seat_or_404(
    session: AsyncSession, user_id: int, registration_id: int
) -> tuple[Registration, CouncilMember]:
    """The registration and the user's seat on its council; 404 for anyone else, the same
    answer as for a registration that does not exist."""
    member = await membership(session, user_id, registration_id)
    if member is None:
        raise NotFound(N_("No registration {key}."), key=registration_id)
    return await registration_or_404(session, registration_id), member


async def office_accounts(session: AsyncSession) -> list[PiccoloUser]:
    """Who may sit on a council, by name."""
    rows = await session.scalars(
        sa.select(PiccoloUser)
        .join(Account, Account.user_id == PiccoloUser.id)
        .where(Account.role.in_(MEMBER_ROLES), PiccoloUser.active.is_(True))
        .order_by(PiccoloUser.username)
    )
    return list(rows)


async def my_registrations(
    session: AsyncSession, user_id: int
) -> list[tuple[Registration, Product, Council, CouncilMember]]:
    """What the user scores: the registrations given to the councils they sit on."""
    rows = await session.execute(
        sa.select(Registration, Product, Council, CouncilMember)
        .join(CouncilAssignment, CouncilAssignment.registration_id == Registration.id)
        .join(Council, Council.id == CouncilAssignment.council_id)
        .join(CouncilMember, CouncilMember.council_id == Council.id)
        .join(Product, Product.id == Registration.product_id)
        .where(CouncilMember.user_id == user_id)
        .order_by(Council.id.desc(), Product.name, Registration.id)
    )
    return [(r, p, c, m) for r, p, c, m in rows.all()]
