"""``/api/v1/evaluation/rounds`` and ``/api/v1/evaluation/registrations``: the office opens
and moves rounds and takes dossiers through its checks; a cooperative registers its own
products and builds their dossiers (another producer's registration answers 404, as one that
does not exist). Every route says who may call it."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_role
from shop.accounts.models import Role
from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.errors import NotFound
from shop.evaluation import dossier, registrations, rounds, steps
from shop.evaluation import registration_views as views
from shop.evaluation.models.registrations import EvaluationKind, RegistrationStatus, RoundStatus
from shop.evaluation.registration_schemas import (
    AnswersIn,
    CommuneCheckIn,
    RegistrationDetailOut,
    RegistrationIn,
    RegistrationOut,
    ReturnIn,
    ReviewIn,
    RoundIn,
    RoundOut,
    RoundStatusIn,
)
from shop.i18n import N_
from shop.media import documents
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, offset, page_of, paginate
from shop.params import Id, OptionalId

Ref = Annotated[str, Parameter(min_length=1, max_length=40)]


def scope(request: Request[Any, Any, Any]) -> int | None:
    return registrations.scope_of(actor(request))


class RoundController(Controller):
    path = "/api/v1/evaluation/rounds"
    tags = ("evaluation",)
    guards = (requires_role(Role.cooperative),)
    security = ({"bearer": []},)

    @get("/", operation_id="listRounds", summary="Evaluation rounds, newest first")
    async def index(
        self,
        session: AsyncSession,
        status: RoundStatus | None = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[RoundOut]:
        rows, total = await rounds.listing(
            session, status=status, limit=page_size, offset=offset(page, page_size)
        )
        on = today()
        return page_of([views.round_out(r, on) for r in rows], total, page=page, page_size=page_size)

    @post(
        "/",
        operation_id="openRound",
        summary="Open a round (deadlines: registration ≤ dossier ≤ scoring)",
        guards=[requires_admin],
    )
    async def create(self, session: AsyncSession, data: RoundIn) -> RoundOut:
        found = await rounds.open_round(session, data)
        await session.commit()
        return views.round_out(await rounds.row(session, found), today())

    @get("/{round_id:int}", operation_id="getRound", summary="One round")
    async def show(self, session: AsyncSession, round_id: Id) -> RoundOut:
        found = await rounds.round_or_404(session, round_id)
        return views.round_out(await rounds.row(session, found), today())

    @post(
        "/{round_id:int}/status",
        operation_id="moveRound",
        summary="Move a round: open → scoring → decided → closed",
        guards=[requires_admin],
        status_code=200,
    )
    async def move(self, session: AsyncSession, round_id: Id, data: RoundStatusIn) -> RoundOut:
        found = await rounds.move(session, await rounds.round_or_404(session, round_id), data.status)
        await session.commit()
        return views.round_out(await rounds.row(session, found), today())


class RegistrationController(Controller):
    path = "/api/v1/evaluation/registrations"
    tags = ("evaluation",)
    guards = (requires_role(Role.cooperative),)
    security = ({"bearer": []},)

    @get("/", operation_id="listRegistrations", summary="Registrations (a cooperative: its own)")
    async def index(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        round_id: OptionalId = None,
        status: RegistrationStatus | None = None,
        kind: EvaluationKind | None = None,
        commune_id: OptionalId = None,
        district_id: OptionalId = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[RegistrationOut]:
        filters = registrations.Filters(
            round_id=round_id,
            status=status,
            kind=kind,
            commune_id=commune_id,
            district_id=district_id,
            producer_id=scope(request),
        )
        rows, total = await paginate(
            session, registrations.listing_query(filters), page=page, page_size=page_size
        )
        found = [registrations.listed(r) for r in rows]
        counts = await views.answered_counts(session, [f.registration.id for f in found])
        items = [views.registration_out(f, counts.get(f.registration.id, (0, 0))) for f in found]
        return page_of(items, total, page=page, page_size=page_size)

    @post("/", operation_id="register", summary="Register a product in an open round (its dossier starts)")
    async def create(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: RegistrationIn
    ) -> RegistrationDetailOut:
        on = today()
        registration = await registrations.register(
            session, data, producer_id=scope(request), user_id=actor(request).id, today=on
        )
        await session.commit()
        return await views.detail_out(session, registration, today=on)

    @get("/{registration_id:int}", operation_id="getRegistration", summary="A registration with its dossier")
    async def show(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> RegistrationDetailOut:
        registration = await registrations.visible(session, registration_id, scope(request))
        return await views.detail_out(session, registration, today=today())

    @patch(
        "/{registration_id:int}/answers",
        operation_id="saveAnswers",
        summary="Self-assessment: options, notes and links to system data, per criterion",
    )
    async def answers(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id, data: AnswersIn
    ) -> RegistrationDetailOut:
        registration = await registrations.visible(session, registration_id, scope(request))
        on = today()
        await dossier.save_answers(session, registration, data, today=on)
        await session.commit()
        return await views.detail_out(session, registration, today=on)

    @delete(
        "/{registration_id:int}/answers/{criterion_id:int}/evidence/{ref:str}",
        operation_id="removeEvidence",
        summary="Take a piece of evidence off a criterion",
    )
    async def remove_evidence(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        registration_id: Id,
        criterion_id: Id,
        ref: Ref,
    ) -> None:
        registration = await registrations.visible(session, registration_id, scope(request))
        await dossier.detach(session, registration, criterion_id, ref, today=today())
        await session.commit()

    @get(
        "/{registration_id:int}/files/{ref:str}",
        operation_id="getEvidenceFile",
        summary="An uploaded PDF of the dossier",
        media_type=documents.PDF_TYPE,
    )
    async def file(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id, ref: Ref
    ) -> Response[bytes]:
        registration = await registrations.visible(session, registration_id, scope(request))
        item = dossier.find_item(await dossier.answer_rows(session, registration.id), ref)
        data = await documents.read(request.app.state.media, str(item.get("digest"))) if item else None
        if item is None or item.get("kind") != "pdf" or data is None:
            raise NotFound(N_("No such evidence on this criterion."))
        return Response(
            data,
            media_type=documents.PDF_TYPE,
            headers={
                "Content-Disposition": "inline",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "sandbox",
                "Cache-Control": "private, max-age=3600",
            },
        )

    @post(
        "/{registration_id:int}/submit",
        operation_id="submitDossier",
        summary="Send the dossier to the office (every criterion answered)",
        status_code=200,
    )
    async def submit(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> RegistrationDetailOut:
        registration = await registrations.visible(session, registration_id, scope(request))
        on = today()
        await dossier.submit(session, registration, today=on, now=utcnow())
        await session.commit()
        return await views.detail_out(session, registration, today=on)

    @post(
        "/{registration_id:int}/return",
        operation_id="returnDossier",
        summary="Office: back to the producer for completion, with comments per criterion",
        guards=[requires_admin],
        status_code=200,
    )
    async def send_back(
        self, session: AsyncSession, registration_id: Id, data: ReturnIn
    ) -> RegistrationDetailOut:
        registration = await registrations.visible(session, registration_id, None)
        await steps.return_dossier(session, registration, data)
        await session.commit()
        return await views.detail_out(session, registration, today=today())

    @post(
        "/{registration_id:int}/accept",
        operation_id="acceptDossier",
        summary="Office: the dossier is complete (on to the commune)",
        guards=[requires_admin],
        status_code=200,
    )
    async def accept(self, session: AsyncSession, registration_id: Id) -> RegistrationDetailOut:
        registration = await registrations.visible(session, registration_id, None)
        await steps.accept(session, registration, now=utcnow())
        await session.commit()
        return await views.detail_out(session, registration, today=today())

    @post(
        "/{registration_id:int}/commune-check",
        operation_id="communeCheck",
        summary="The commune confirms origin, raw materials, local labour and idea",
        guards=[requires_admin],
        status_code=200,
    )
    async def commune_check(
        self, session: AsyncSession, registration_id: Id, data: CommuneCheckIn
    ) -> RegistrationDetailOut:
        registration = await registrations.visible(session, registration_id, None)
        await steps.commune_check(session, registration, data, now=utcnow())
        await session.commit()
        return await views.detail_out(session, registration, today=today())

    @post(
        "/{registration_id:int}/review",
        operation_id="reviewDossier",
        summary="The advisory group's review: note, on-site inspection, comments per criterion",
        guards=[requires_admin],
        status_code=200,
    )
    async def review(
        self, session: AsyncSession, registration_id: Id, data: ReviewIn
    ) -> RegistrationDetailOut:
        registration = await registrations.visible(session, registration_id, None)
        await steps.review(session, registration, data, now=utcnow())
        await session.commit()
        return await views.detail_out(session, registration, today=today())
