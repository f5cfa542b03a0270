"""The dossier pages as people use them: a cooperative registers its product and fills the
dossier one criterion a screen (a PDF and a photo uploaded, figures linked), submits; the
office sees it in its pipeline, returns it with a comment, the cooperative answers, the office
accepts it and records the commune's check and the advisory group's review."""

from __future__ import annotations

import io
import re

import httpx
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from tests import factories as f
from tests.evaluation import dossier_support as ev
from tests.office.support import login_as, post, token

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def _criteria_links(html: str, registration_id: int) -> list[str]:
    return re.findall(rf'href="(/coop/evaluation/{registration_id}/criteria/\d+)"', html)


async def _fill(
    client: httpx.AsyncClient, path: str, *, file: tuple[str, bytes, str] | None = None
) -> httpx.Response:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    option = re.findall(r'name="option" value="(\d+)"', page.text)[-1]
    data = {"_csrf_token": token(page.text), "option": option, "note": "", "link": "sales", "go": "next"}
    files = {"file": file} if file else {"file": ("", b"", "application/octet-stream")}
    return await client.post(path, data=data, files=files)


async def test_a_cooperative_registers_fills_and_submits_and_the_office_takes_it_through(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    maker = await f.producer(session)
    item = await f.product(session, maker, name="Miến dong Bình Liêu")
    sheet = await ev.sheet(session, name="Thực phẩm chế biến")
    found = await ev.round_for(session, item)
    await session.commit()
    await login_as(client, session, Role.cooperative, producer_code=maker.code)

    home = await client.get("/coop/evaluation/")
    assert home.status_code == 200 and f"/coop/evaluation/register?round={found.id}" in home.text
    registered = await post(
        client,
        f"/coop/evaluation/register?round={found.id}",
        "/coop/evaluation/register",
        {"round_id": found.id, "product_id": item.id, "product_set": sheet.product_set, "kind": ""},
    )
    assert registered.status_code == 303, registered.text
    dossier_path = registered.headers["location"].split("?")[0]
    registration_id = int(dossier_path.rsplit("/", 1)[1])

    overview = await client.get(dossier_path)
    links = list(dict.fromkeys(_criteria_links(overview.text, registration_id)))
    assert len(links) == 4 and "What is missing" in (await client.get(dossier_path + "?lang=en")).text

    saved = await _fill(client, links[0], file=("phieu-kiem-nghiem.pdf", PDF, "application/pdf"))
    assert saved.status_code == 303 and saved.headers["location"].startswith(links[1]), saved.text
    saved = await _fill(client, links[1], file=("xuong.jpg", _photo(), "image/jpeg"))
    assert saved.status_code == 303, saved.text
    refused = await _fill(
        client, links[2], file=("virus.exe", b"MZ\x90\x00not a pdf", "application/octet-stream")
    )
    assert refused.status_code == 422 and 'class="field-errors"' in refused.text
    for path in links[2:]:
        assert (await _fill(client, path)).status_code == 303

    first = await client.get(links[0])
    pdf_url = re.search(r'href="(/api/v1/evaluation/registrations/\d+/files/[0-9a-f]+)"', first.text)
    assert pdf_url, first.text
    document = await client.get(pdf_url.group(1))
    assert document.status_code == 200 and document.content == PDF
    assert document.headers["content-type"].startswith("application/pdf")

    submitted = await post(client, dossier_path, f"{dossier_path}/submit", {})
    assert submitted.status_code == 303, submitted.text
    assert "submit" not in (await client.get(dossier_path)).text.split("criteria-list")[-1]

    client.cookies.clear()
    await login_as(client, session, Role.admin)
    pipeline = await client.get(f"/office/evaluation/?round={found.id}")
    assert pipeline.status_code == 200 and "Miến dong Bình Liêu" in pipeline.text
    office_path = f"/office/evaluation/registrations/{registration_id}"
    detail = await client.get(office_path)
    criterion_ids = re.findall(r'name="office-(\d+)"', detail.text)
    assert len(criterion_ids) == 4
    returned = await post(
        client,
        office_path,
        f"{office_path}/return",
        {"note": "Bổ sung hợp đồng", f"office-{criterion_ids[2]}": "Thiếu hợp đồng phân phối"},
    )
    assert returned.status_code == 303, returned.text

    client.cookies.clear()
    await login_as(client, session, Role.cooperative, producer_code=maker.code)
    back = await client.get(dossier_path)
    assert "Bổ sung hợp đồng" in back.text
    assert "Thiếu hợp đồng phân phối" in (await client.get(links[2])).text
    assert (await _fill(client, links[2])).status_code == 303
    assert (await post(client, dossier_path, f"{dossier_path}/submit", {})).status_code == 303

    client.cookies.clear()
    await login_as(client, session, Role.admin)
    assert (await post(client, office_path, f"{office_path}/accept", {})).status_code == 303
    partial = await post(client, office_path, f"{office_path}/commune-check", {"product_origin": "yes"})
    assert partial.status_code == 422
    checks = {
        "product_origin": "yes",
        "raw_material_origin": "yes",
        "local_labour": "yes",
        "idea_origin": "yes",
    }
    assert (await post(client, office_path, f"{office_path}/commune-check", checks)).status_code == 303
    review = {"note": "Đạt", "inspected_on": "", f"advisory-{criterion_ids[0]}": "Mẫu tốt"}
    reviewed = await post(client, office_path, f"{office_path}/review", review)
    assert reviewed.status_code == 303, reviewed.text
    final = await client.get(office_path)
    assert "Mẫu tốt" in final.text and "s-reviewed" in final.text


async def test_the_office_opens_a_round_from_its_screen(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    item = await f.product(session)
    await session.commit()
    await login_as(client, session, Role.admin)
    form = await client.get("/office/evaluation/rounds/new")
    assert form.status_code == 200
    data = {
        "province_id": item.origin_province_id,
        "year": "2026",
        "number": "1",
        "registration_until": "2026-06-30",
        "dossier_until": "2026-05-01",
        "scoring_until": "2026-09-30",
    }
    refused = await post(client, "/office/evaluation/rounds/new", "/office/evaluation/rounds", data)
    assert refused.status_code == 422
    opened = await post(
        client,
        "/office/evaluation/rounds/new",
        "/office/evaluation/rounds",
        data | {"dossier_until": "2026-07-31"},
    )
    assert opened.status_code == 303, opened.text
    page = await client.get(opened.headers["location"])
    assert page.status_code == 200 and "2026" in page.text


async def test_a_cooperative_cannot_open_another_producers_dossier_page(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    theirs = await f.product(session)
    sheet = await ev.sheet(session)
    found = await ev.round_for(session, theirs)
    office = await f.admin_headers(session, client)
    body = {"round_id": found.id, "product_id": theirs.id, "product_set": sheet.product_set}
    made = (await client.post("/api/v1/evaluation/registrations", json=body, headers=office)).json()
    mine = await f.producer(session)
    await session.commit()
    await login_as(client, session, Role.cooperative, producer_code=mine.code)
    registration_id = made["registration"]["id"]
    assert (await client.get(f"/coop/evaluation/{registration_id}")).status_code == 404
    criterion = made["answers"][0]["criterion_id"]
    assert (await client.get(f"/coop/evaluation/{registration_id}/criteria/{criterion}")).status_code == 404
    assert (await client.get(f"/office/evaluation/registrations/{registration_id}")).status_code == 403
