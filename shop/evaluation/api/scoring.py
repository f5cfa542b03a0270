"""A member's score sheets under ``/api/v1/evaluation/registrations/{id}/score-sheets`` and
the council's result under ``…/result``.

Score sheets answer only the members of the council the registration was given to; for
anyone else the registration does not exist (404). The result is the office's: it reads
it, records it once the quorum signed, and types in the central level's answer.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_login
from shop.evaluation import councils, results, scoring
from shop.evaluation.api.outputs import criteria_out, result_out, sheet_out
from shop.evaluation.council_schemas import (
    CentralIn,
    CorrectionIn,
    CriteriaOut,
    ResultOut,
    ScoreSheetIn,
    ScoreSheetOut,
)
from shop.evaluation.models.registrations import Registration
from shop.evaluation.models.scoring import CouncilMember
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of_list
from shop.params import Id


async def _seat(
    request: Request[Any, Any, Any], session: AsyncSession, registration_id: int
) -> tuple[Registration, CouncilMember]:
    return await councils.seat_or_404(session, actor(request).id, registration_id)


class ScoreSheetController(Controller):
    path = "/api/v1/evaluation/registrations/{registration_id:int}/score-sheets"
    tags = ["evaluation"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get(
        "/",
        operation_id="listMyScoreSheets",
        summary="The caller's sheets for the registration, newest first",
    )
    async def list_sheets(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        registration_id: Id,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[ScoreSheetOut]:
        registration, member = await _seat(request, session, registration_id)
        found = await scoring.versions(session, registration.id, member.id)
        items = [await sheet_out(session, registration, sheet) for sheet in found]
        return page_of_list(items, page=page, page_size=page_size)

    @get(
        "/criteria",
        operation_id="getScoringCriteria",
        summary="The criteria to score, with the producer's self-assessment and evidence",
    )
    async def criteria(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> CriteriaOut:
        registration, _ = await _seat(request, session, registration_id)
        return await criteria_out(session, registration)

    @put("/current", operation_id="saveScoreSheet", summary="Keep the caller's choices on their draft")
    async def save(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id, data: ScoreSheetIn
    ) -> ScoreSheetOut:
        registration, member = await _seat(request, session, registration_id)
        sheet, _ = await scoring.save(session, registration, member, data.lines)
        out = await sheet_out(session, registration, sheet)
        await session.commit()
        return out

    @post(
        "/current/sign",
        operation_id="signScoreSheet",
        status_code=200,
        summary="Sign: the sheet never changes again",
    )
    async def sign(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> ScoreSheetOut:
        registration, member = await _seat(request, session, registration_id)
        sheet = await scoring.sign(session, registration, member)
        out = await sheet_out(session, registration, sheet)
        await session.commit()
        return out

    @post(
        "/corrections",
        operation_id="correctScoreSheet",
        summary="A new version of a signed sheet, with the reason",
    )
    async def correct(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id, data: CorrectionIn
    ) -> ScoreSheetOut:
        registration, member = await _seat(request, session, registration_id)
        sheet = await scoring.correct(session, registration, member, data.reason)
        out = await sheet_out(session, registration, sheet)
        await session.commit()
        return out


class ResultController(Controller):
    path = "/api/v1/evaluation/registrations/{registration_id:int}/result"
    tags = ["evaluation"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="getResult", summary="The council's result as the signed sheets make it")
    async def get_result(self, session: AsyncSession, registration_id: Id) -> ResultOut:
        registration = await councils.registration_or_404(session, registration_id)
        return result_out(await results.evaluate(session, registration))

    @post(
        "/",
        operation_id="rankRegistration",
        status_code=200,
        summary="Record the result: refused until the quorum signed, and while members are 10 points apart",
    )
    async def rank(self, session: AsyncSession, registration_id: Id) -> ResultOut:
        registration = await councils.registration_or_404(session, registration_id)
        await results.rank(session, registration)
        out = result_out(await results.evaluate(session, registration))
        await session.commit()
        return out

    @post(
        "/central",
        operation_id="recordCentralOutcome",
        status_code=200,
        summary="What the central level answered for a product forwarded at 90 points or more",
    )
    async def central(self, session: AsyncSession, registration_id: Id, data: CentralIn) -> ResultOut:
        registration = await councils.registration_or_404(session, registration_id)
        await results.record_central(session, registration, data)
        out = result_out(await results.evaluate(session, registration))
        await session.commit()
        return out
