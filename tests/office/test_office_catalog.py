"""The office's producer and product screens over HTTP, as a civil servant uses them:
pickers instead of ids, every mistake told next to its field with nothing typed lost."""

from __future__ import annotations

import sqlalchemy as sa

from shop.accounts.models import Role
from shop.catalog.models import Producer, Product, ProductTranslation
from shop.geo.models import Place, PlaceEra
from tests import factories as f
from tests.office.support import login_as, post, province_id, token


async def test_only_the_office_opens_its_catalog_screens(client, session):
    loc = await f.location(session, code="SP-X")
    await session.commit()
    for path in ("/office/producers/", "/office/products/new", "/office/import/"):
        answer = await client.get(path)
        assert answer.status_code == 302 and answer.headers["location"].startswith("/login?next="), path
    await login_as(client, session, Role.staff, location_codes=[loc.code])
    for path in ("/office/producers/", "/office/producers/new", "/office/products/", "/office/import/"):
        assert (await client.get(path)).status_code == 403, path
    page = await client.get("/login")
    refused = await client.post("/office/producers/new", data={"_csrf_token": token(page.text), "name": "X"})
    assert refused.status_code == 403
    assert await session.scalar(sa.select(sa.func.count(Producer.id))) == 0


async def test_the_office_adds_a_producer_picking_an_old_commune(client, session):
    await login_as(client, session)
    bac_kan = await province_id(session, "Tỉnh Bắc Kạn", PlaceEra.legacy)
    offered = (await client.get(f"/office/places/{bac_kan}/communes")).json()
    assert "Huyện Na Rì" in offered and "Xã Côn Minh, Huyện Na Rì" in offered
    answer = await post(
        client,
        "/office/producers/new",
        "/office/producers/new",
        {
            "name": "HTX Nông nghiệp Tài Hoan",
            "kind": "cooperative",
            "province": bac_kan,
            "commune": "Xã Côn Minh, Huyện Na Rì",
            "tax_code": "",
            "email": "",
            "commission": "",
        },
    )
    assert answer.status_code == 303, answer.text
    maker = await session.scalar(sa.select(Producer).where(Producer.name == "HTX Nông nghiệp Tài Hoan"))
    assert maker is not None and maker.code == "HTX-NONG-NGHIEP-TAI-HOAN"
    assert maker.tax_code is None and maker.email is None and maker.commission_rate_bp is None
    place = await session.get(Place, maker.place_id)
    assert place is not None and place.name == "Xã Côn Minh"
    shown = await client.get(answer.headers["location"])
    assert "Đã thêm chủ thể." in shown.text and 'value="Xã Côn Minh, Huyện Na Rì"' in shown.text
    listed = await client.get("/office/producers/?q=tai hoan")
    assert "HTX Nông nghiệp Tài Hoan" in listed.text and "Tỉnh Thái Nguyên" in listed.text
    assert "HTX Nông nghiệp Tài Hoan" not in (await client.get("/office/producers/?q=dong van")).text


async def test_a_new_commune_name_under_todays_province_is_understood(client, session):
    await login_as(client, session)
    thai_nguyen = await province_id(session, "Tỉnh Thái Nguyên")
    answer = await post(
        client,
        "/office/producers/new",
        "/office/producers/new",
        {"name": "HTX Na Rì", "kind": "enterprise", "province": thai_nguyen, "commune": "Na Rì"},
    )
    assert answer.status_code == 303, answer.text
    maker = await session.scalar(sa.select(Producer).where(Producer.name == "HTX Na Rì"))
    assert maker is not None and maker.place_id is not None


async def test_producer_mistakes_are_told_next_to_their_fields_and_nothing_is_lost(client, session):
    await f.producer(session, code="OLD", tax_code="4700123456")
    await login_as(client, session)
    thai_nguyen = await province_id(session, "Tỉnh Thái Nguyên")
    typed = {
        "name": "",
        "kind": "cooperative",
        "tax_code": "12ab",
        "email": "not-an-address",
        "province": str(thai_nguyen),
        "commune": "Xã Không Có Thật",
        "phone": "0912 345 678",
        "commission": "150",
    }
    answer = await post(client, "/office/producers/new", "/office/producers/new", typed)
    assert answer.status_code == 422
    for message in (
        "Hãy nhập tên.",
        "Mã số thuế gồm 10 chữ số",
        "Hãy nhập địa chỉ email",
        "Hãy nhập tỷ lệ phần trăm từ 0 đến 100.",
    ):
        assert message in answer.text, message
    assert 'value="0912 345 678"' in answer.text and 'value="Xã Không Có Thật"' in answer.text
    typed |= {"name": "HTX Mới", "tax_code": "", "email": "", "commission": ""}
    answer = await post(client, "/office/producers/new", "/office/producers/new", typed)
    assert answer.status_code == 422 and "Không tìm thấy địa danh" in answer.text
    typed |= {"commune": "", "tax_code": "4700123456"}
    answer = await post(client, "/office/producers/new", "/office/producers/new", typed)
    assert answer.status_code == 409 and "4700123456 đã được dùng" in answer.text
    assert "tax_code" not in answer.text.split("<main", 1)[1].replace('name="tax_code"', "")
    typed |= {"tax_code": "", "province": "", "commune": "Côn Minh"}
    answer = await post(client, "/office/producers/new", "/office/producers/new", typed)
    assert answer.status_code == 422 and "Hãy chọn tỉnh của xã này." in answer.text
    assert await session.scalar(sa.select(sa.func.count(Producer.id))) == 1


async def test_the_office_corrects_a_producer_and_empties_a_field(client, session):
    maker = await f.producer(session, code="HTX-SUA", name="HTX Sửa", email="cu@example.vn", phone="0200")
    await session.commit()
    await login_as(client, session)
    page = f"/office/producers/{maker.code}"
    answer = await post(
        client,
        page,
        page,
        {"name": "HTX Sửa Đổi", "kind": "enterprise", "email": "", "phone": "0209 999", "active": "1"},
    )
    assert answer.status_code == 303, answer.text
    await session.refresh(maker)
    assert (maker.name, maker.kind.value, maker.email, maker.phone) == (
        "HTX Sửa Đổi",
        "enterprise",
        None,
        "0209 999",
    )
    assert maker.place_id is None and maker.is_active
    assert (await client.get("/office/producers/NOPE")).status_code == 404


async def _product_form(client, session, **typed):
    maker = await f.producer(session, code="HTX-TH", name="HTX Tài Hoan")
    await session.commit()
    data = {
        "producer": "HTX Tài Hoan · HTX-TH",
        "group": "food-processed",
        "name": "Miến dong Tài Hoan",
        "unit": "gói",
        "price": "65.000",
        "pack_size": "500 g",
        "name_en": "Arrowroot noodles",
        "description_en": "",
    } | typed
    return maker, await post(client, "/office/products/new", "/office/products/new", data)


async def test_the_office_adds_a_product_with_its_translations(client, session):
    await login_as(client, session)
    maker, answer = await _product_form(
        client, session, name_ko="동 국수", description_ko="타이호안 협동조합"
    )
    assert answer.status_code == 303, answer.text
    product = await session.scalar(sa.select(Product).where(Product.producer_id == maker.id))
    assert product is not None and product.price_vnd == 65_000 and product.slug == "mien-dong-tai-hoan"
    assert len(product.trace_code) == 8 and "arrowroot" in product.search_text
    assert product.origin_place_id == maker.place_id  # no origin picked: the producer's address
    names = dict(
        (await session.execute(sa.select(ProductTranslation.language, ProductTranslation.name))).all()
    )
    assert names == {"en": "Arrowroot noodles", "ko": "동 국수"}
    shown = await client.get(answer.headers["location"])
    assert "Cấp giấy chứng nhận" in shown.text and product.trace_code in shown.text
    assert "Chưa có giấy chứng nhận đang hiệu lực" in shown.text


async def test_product_mistakes_are_told_next_to_their_fields(client, session):
    await login_as(client, session)
    _, answer = await _product_form(
        client,
        session,
        producer="Không ai cả",
        group="",
        price="sáu mươi",
        gtin="12",
        name_fr="",
        description_fr="Nouilles de dong",
    )
    assert answer.status_code == 422
    for message in (
        "Hãy chọn chủ thể trong danh sách",
        "Hãy chọn nhóm sản phẩm.",
        "Hãy nhập một số nguyên",
        "Mã vạch gồm 8, 12, 13 hoặc 14 chữ số.",
        "Hãy nhập cả tên bằng ngôn ngữ này.",
    ):
        assert message in answer.text, message
    assert "Nouilles de dong" in answer.text and 'value="Arrowroot noodles"' in answer.text
    assert await session.scalar(sa.select(sa.func.count(Product.id))) == 0


async def test_the_office_edits_a_product_and_clears_an_optional_field(client, session):
    await login_as(client, session)
    maker, _ = await _product_form(client, session)
    product = await session.scalar(sa.select(Product).where(Product.producer_id == maker.id))
    await session.commit()
    page = f"/office/products/{product.id}/edit"
    form = await client.get(page)
    assert 'value="Arrowroot noodles"' in form.text and 'value="500 g"' in form.text
    answer = await post(
        client,
        page,
        page,
        {
            "group": "food-tea",
            "name": "Miến dong đặc biệt",
            "unit": "hộp",
            "price": "70000",
            "pack_size": "",
            "name_en": "",
            "name_ja": "春雨",
            "active": "1",
        },
    )
    assert answer.status_code == 303, answer.text
    await session.refresh(product)
    assert (product.name, product.unit, product.price_vnd, product.pack_size) == (
        "Miến dong đặc biệt",
        "hộp",
        70_000,
        None,
    )
    names = dict(
        (await session.execute(sa.select(ProductTranslation.language, ProductTranslation.name))).all()
    )
    assert names == {"ja": "春雨"}
    assert "mien dong dac biet" in product.search_text and product.slug == "mien-dong-tai-hoan"


async def test_the_product_list_finds_and_filters(client, session):
    honey = await f.certified_product(session, 4, name="Mật ong bạc hà", group_code="food-honey")
    plain = await f.product(session, name="Trà shan tuyết", group_code="food-tea")
    await session.commit()
    await login_as(client, session)
    lists = {
        "?q=mat ong": [honey.name],
        "?stars=4": [honey.name],
        "?group=food-tea": [plain.name],
        "?group=food": [honey.name, plain.name],
        "?status=none": [plain.name],
        "?status=on_sale": [honey.name],
        "?status=revoked": [],
        "?stars=x&status=nonsense": [honey.name, plain.name],
    }
    thai_nguyen = await province_id(session, "Tỉnh Thái Nguyên")
    lists[f"?province={thai_nguyen}"] = [honey.name, plain.name]
    lists["?province=1"] = []
    for query, names in lists.items():
        page = await client.get(f"/office/products/{query}")
        assert page.status_code == 200, query
        shown = [n for n in (honey.name, plain.name) if f">{n}</a>" in page.text]
        assert shown == names, query


async def test_odd_input_gets_an_answer_never_a_server_error(client, session):
    item = await f.product(session, name="Mứt gừng")
    cert = await f.certificate(session, item, 3, today=f.TODAY)
    await session.commit()
    await login_as(client, session)
    odd = {
        "name": "x" * 5000,
        "kind": "pirate",
        "province": "99999999999",
        "commune": "y" * 1000,
        "tax_code": "0" * 40,
        "commission": "NaN",
        "producer": "· ·",
        "group": "../../etc",
        "unit": "u" * 100,
        "price": "-5",
        "shelf_life": "99999999999999999999",
        "gtin": "1" * 30,
        "name_en": "e" * 300,
        "stars": "7",
        "score": "1e9",
        "council_level": "galactic",
        "decision_number": "d" * 100,
        "decision_date": "2025-02-30",
        "valid_from": "tomorrow",
        "valid_until": "0000-00-00",
        "reason": "r" * 3000,
        "revoked_on": "32/13/2025",
        "confirm": "yes",
    }
    forms = [
        ("/office/producers/new", "/office/producers/new"),
        ("/office/products/new", "/office/products/new"),
        (f"/office/products/{item.id}/edit", f"/office/products/{item.id}/edit"),
        (f"/office/products/{item.id}", f"/office/products/{item.id}/certificates/"),
        (
            f"/office/products/{item.id}/certificates/{cert.id}/revoke",
            f"/office/products/{item.id}/certificates/{cert.id}/revoke",
        ),
    ]
    for page, action in forms:
        answer = await post(client, page, action, odd)
        assert 400 <= answer.status_code < 500, (action, answer.status_code)
        assert "x" * 50 in answer.text or action.endswith(("certificates/", "revoke")), action
    for path in (
        "/office/products/?page=0",
        "/office/producers/?page=999999999999",
        "/office/places/0/communes",
    ):
        assert (await client.get(path)).status_code < 500, path
    assert (await client.get("/office/products/?province=abc&stars=9&status=x&group=nope")).status_code == 200
    assert await session.scalar(sa.select(sa.func.count(Product.id))) == 1
