"""A council scores on tablets and the office issues the decision, in a real browser.

Two members, each on their own tablet (one lying flat, 1024 × 600; one upright, 768 × 1024),
open their registration, tap an option per criterion (the running total follows), write a
comment and sign after the confirmation. The office records the result, prepares the
decision, previews it and issues it; the product's storefront page then shows its new
stars. Each step is kept as a screenshot in test-artifacts/ and no page is wider than
its screen."""

from __future__ import annotations

import asyncio
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import Browser, Page, expect
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.catalog.models import Product
from shop.db import Database
from shop.evaluation import councils, scoring
from shop.evaluation.council_schemas import CouncilIn, MemberIn
from shop.evaluation.models.registrations import DossierAnswer, EvaluationKind, Registration
from shop.evaluation.models.scoring import MemberRole
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.evaluation import factories as ef

pytestmark = pytest.mark.browser
FLAT = {"width": 1024, "height": 600}
UPRIGHT = {"width": 768, "height": 1024}
MEMBERS = ("hd.chutich", "hd.uyvien")
PASSWORD = "password123"
# What each member chooses (points per criterion): 76 and, after a correction, 74: 75 (4★).
FIRST_TRY = {"A.1": 5, "A.2": 20, "B.1": 10, "C.1": 20, "C.2": 9}  # 64: 12 below the chair
CHOICES = (
    {"A.1": 5, "A.2": 35, "B.1": 15, "C.1": 15, "C.2": 6},
    {"A.1": 5, "A.2": 35, "B.1": 10, "C.1": 15, "C.2": 9},
)


async def _prepare(url: str) -> tuple[int, int, str]:
    """On the live database: a round scoring one of the demo's 3★ products for an upgrade,
    and a council of two office accounts. Answers the round, the registration, the slug."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            product = await session.scalar(
                sa.select(Product)
                .where(Product.stars == 3, Product.is_active.is_(True))
                .order_by(Product.id)
                .limit(1)
            )
            assert product is not None, "the demo has a 3★ product"
            round_row = await ef.round_(session, province_id=product.origin_province_id)
            criteria = await ef.sheet(session)
            registration = await ef.registration(
                session, round_row, criteria, product, kind=EvaluationKind.upgrade
            )
            await _dossier(session, registration)
            names = [
                await f.user(session, Role.admin, username=name, last_name=last)
                for name, last in zip(MEMBERS, ("Chủ tịch", "Ủy viên"), strict=True)
            ]
            roles = (MemberRole.chair, MemberRole.member)
            members = [
                MemberIn(user_id=await ef.user_id(session, n), role=r)
                for n, r in zip(names, roles, strict=True)
            ]
            council = await councils.create(
                session, CouncilIn(round_id=round_row.id, name="Hội đồng OCOP tỉnh đợt 1", members=members)
            )
            await councils.assign(session, council, [registration.id])
            answer = (round_row.id, registration.id, product.slug)
            await session.commit()
            return answer
    finally:
        await db.dispose()


# The producer's self-assessment (points claimed per criterion), a note and evidence.
SELF = {"A.1": 5, "A.2": 35, "B.1": 20, "C.1": 15, "C.2": 11}
EVIDENCE = {
    "A.1": [
        {
            "ref": "e1",
            "kind": "quality",
            "id": 1,
            "quality_kind": "haccp",
            "number": "HACCP 0123/2025",
            "valid_until": "2027-06-30",
        }
    ],
    "B.1": [
        {
            "ref": "e2",
            "kind": "sales",
            "period_from": "2025-12-01",
            "period_until": "2026-11-30",
            "till_units": 1840,
            "till_vnd": 174800000,
            "online_units": 215,
            "online_vnd": 20425000,
            "sales_points": 6,
            "provinces": ["Thái Nguyên", "Hà Nội"],
        }
    ],
}


async def _dossier(session: AsyncSession, registration: Registration) -> None:
    view = await scoring.load_sheet(session, registration.sheet_id)
    for criterion in view.criteria:
        option = next(o for o in criterion.options if o.points == SELF[criterion.code])
        session.add(
            DossierAnswer(
                registration_id=registration.id,
                criterion_id=criterion.id,
                option_id=option.id,
                note=f"Tự đánh giá {criterion.code}: đạt {option.points} điểm theo hồ sơ kèm theo.",
                evidence=EVIDENCE.get(criterion.code, []),
            )
        )
    await session.flush()


async def _step(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"council-{name}.png"))
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide on a {widths[1]} px screen"


async def _tablet(page: Page, live_server: LiveServer, size: dict[str, int]) -> Page:
    browser: Browser | None = page.context.browser
    assert browser is not None
    context = await browser.new_context(
        base_url=live_server.base_url, viewport=size, locale="vi-VN", has_touch=True
    )
    return await context.new_page()


async def _log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    await page.goto("/login")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_load_state()


async def _choose(page: Page, choices: dict[str, int]) -> None:
    """Tap, for each criterion, the option giving those points; the total follows."""
    for code, points in choices.items():
        criterion = page.locator(f"article[data-code='{code}']")
        await criterion.locator("label.option", has=page.locator(f"input[data-points='{points}']")).click()
    await expect(page.locator("[data-total]")).to_have_text(str(sum(choices.values())))
    await expect(page.locator("[data-left]")).to_have_text("0")


async def _sign(page: Page, total: int) -> None:
    await page.click("button[name=action][value=sign]")
    await page.click("dialog.confirm button.danger")  # "Sign" in the confirmation
    await expect(page).to_have_url(re.compile(r"done=signed"))
    await expect(page.locator("[data-total]")).to_have_text(str(total))
    await expect(page.locator("form.correction")).to_be_visible()


async def _score(page: Page, registration_id: int, choices: dict[str, int], name: str) -> None:
    await page.goto("/office/evaluation/score/")
    await page.click(f"a[href='/office/evaluation/score/{registration_id}#sheet']")
    await expect(page.locator("form[data-sheet]")).to_be_visible()
    await _step(page, f"{name}-1-open")
    await _choose(page, choices)
    await page.locator("article[data-code='C.1'] textarea").fill(
        "Đã công bố tiêu chuẩn cơ sở; cần phiếu kiểm nghiệm định kỳ."
    )
    await page.locator("article[data-code='C.1']").scroll_into_view_if_needed()
    await _step(page, f"{name}-2-filled")
    await _sign(page, sum(choices.values()))
    await _step(page, f"{name}-3-signed")


async def _re_score(page: Page, choices: dict[str, int], name: str) -> None:
    """Twelve points from the chair: the council must discuss; the member corrects."""
    await expect(page.locator(".spread-warning")).to_contain_text("12")
    await _step(page, f"{name}-4-spread")
    await page.fill("form.correction textarea[name=reason]", "Hội đồng thảo luận: chấm lại tiêu chí A.2")
    await page.click("form.correction button[type=submit]")
    await expect(page).to_have_url(re.compile(r"done=correcting"))
    await _choose(page, choices)
    await _step(page, f"{name}-5-correction")
    await _sign(page, sum(choices.values()))
    await expect(page.locator(".spread-warning")).to_have_count(0)


async def test_two_members_score_on_tablets_and_the_office_issues_the_decision(
    page: Page, live_server: LiveServer
):
    round_id, registration_id, slug = await _prepare(live_server.database_url)
    flat = await _tablet(page, live_server, FLAT)
    upright = await _tablet(page, live_server, UPRIGHT)
    await asyncio.gather(_log_in(flat, MEMBERS[0]), _log_in(upright, MEMBERS[1]))
    await _score(flat, registration_id, CHOICES[0], "chair-flat")
    await _score(upright, registration_id, FIRST_TRY, "member-upright")
    await _re_score(upright, CHOICES[1], "member-upright")

    # The office: the result, the decision with its preview, the annex.
    office = await _tablet(page, live_server, FLAT)
    await _log_in(office, "admin", "admin12345")
    await office.goto("/office/evaluation/councils/")
    await office.click("a:text('Hội đồng OCOP tỉnh đợt 1')")
    await expect(office.locator("#given-title")).to_be_visible()
    await _step(office, "office-0-council")
    await office.goto(f"/office/evaluation/results/{registration_id}")
    await expect(office.locator(".state-ready")).to_be_visible()
    await _step(office, "office-1-result")
    await office.click(f"form[action='/office/evaluation/results/{registration_id}'] button")
    await expect(office).to_have_url(re.compile(r"done=ranked"))
    await expect(office.locator(".result-figures")).to_contain_text("75,00")
    await office.click(f"a[href='/office/evaluation/decisions/new?round_id={round_id}']")
    await office.fill("input[name=number]", "1114/QĐ-UBND")
    await office.fill("input[name=signer]", "Nguyễn Văn An, Phó Chủ tịch")
    await expect(office.locator(f"input[name=registration][value='{registration_id}']")).to_be_checked()
    await office.click("button[name=action][value=preview]")
    await expect(office.locator("#preview-title")).to_be_visible()
    await office.locator("#preview-title").scroll_into_view_if_needed()
    await _step(office, "office-2-preview")
    await office.click("button[name=action][value=issue]")
    await office.click("dialog.confirm button.danger")
    await expect(office).to_have_url(re.compile(r"/office/evaluation/decisions/\d+\?done=issued"))
    await _step(office, "office-3-decision")
    pdf = await office.request.get(await office.locator("a[href$='annex.pdf']").get_attribute("href") or "")
    assert pdf.ok and (await pdf.body()).startswith(b"%PDF")

    # The storefront, the next minute: the product shows its new stars.
    visitor = await _tablet(page, live_server, UPRIGHT)
    await visitor.goto(f"/products/{slug}")
    await expect(visitor.locator("p.stars")).to_contain_text("★★★★")
    await _step(visitor, "storefront-4-stars")
