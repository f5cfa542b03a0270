"""Words the generated fill is made of: product kinds per OCOP sub-group, producer names.

Written for this project from common knowledge of Vietnamese mountain and central-coast
products; shared by the demo fill and the national benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """A kind of product: names, how it is sold and what it costs (VND)."""

    group: str
    vi: str
    en: str
    unit: str
    packs: tuple[str, ...]
    price: tuple[int, int]
    shelf_life_days: int | None


def _items(
    group: str,
    unit: str,
    packs: tuple[str, ...],
    shelf: int | None,
    rows: tuple[tuple[str, str, int, int], ...],
) -> tuple[Item, ...]:
    return tuple(Item(group, vi, en, unit, packs, (lo, hi), shelf) for vi, en, lo, hi in rows)


G500, BOTTLE, BOX, KG = ("250 g", "500 g"), ("330 ml", "500 ml"), ("200 g", "300 g"), ("1 kg",)
ITEMS: tuple[Item, ...] = (
    *_items(
        "food-fresh",
        "kg",
        KG,
        21,
        (
            ("Cam sành", "king oranges", 35_000, 55_000),
            ("Bưởi Diễn", "Diễn pomelos", 40_000, 70_000),
            ("Gà đồi", "free-range hill chicken", 150_000, 220_000),
            ("Vịt bầu", "bầu ducks", 120_000, 180_000),
            ("Chuối ngự", "royal bananas", 35_000, 50_000),
            ("Lợn đen bản", "local black pork", 160_000, 240_000),
        ),
    ),
    *_items(
        "food-grain",
        "túi",
        ("2 kg", "5 kg"),
        365,
        (
            ("Gạo tẻ Séng cù", "Séng cù rice", 70_000, 160_000),
            ("Gạo nếp cái hoa vàng", "yellow-flower sticky rice", 80_000, 170_000),
            ("Gạo lứt đỏ", "red brown rice", 75_000, 150_000),
            ("Bột ngô nếp", "sticky-corn flour", 45_000, 90_000),
            ("Hạt dổi rừng", "wild dổi seeds", 250_000, 480_000),
            ("Măng khô", "dried bamboo shoots", 120_000, 260_000),
        ),
    ),
    *_items(
        "food-honey",
        "chai",
        BOTTLE,
        730,
        (
            ("Mật ong rừng", "wild forest honey", 250_000, 480_000),
            ("Mật ong hoa nhãn", "longan-blossom honey", 180_000, 320_000),
            ("Mật ong ngâm nghệ", "honey with turmeric", 160_000, 280_000),
            ("Mật ong hoa cà phê", "coffee-blossom honey", 170_000, 300_000),
        ),
    ),
    *_items(
        "food-processed",
        "gói",
        G500,
        180,
        (
            ("Miến dong", "arrowroot noodles", 55_000, 85_000),
            ("Bánh gio", "ash-water rice cakes", 35_000, 60_000),
            ("Bánh chưng gù", "humped bánh chưng", 50_000, 90_000),
            ("Thịt trâu gác bếp", "smoked buffalo", 380_000, 650_000),
            ("Chả mực giã tay", "hand-pounded squid cake", 280_000, 420_000),
            ("Xúc xích lợn bản", "local-pig sausages", 120_000, 220_000),
            ("Bánh khảo", "bánh khảo rice cakes", 35_000, 60_000),
            ("Mứt gừng", "candied ginger", 40_000, 80_000),
            ("Khô cá bống", "dried goby", 150_000, 260_000),
            ("Ruốc nấm hương", "shiitake floss", 90_000, 160_000),
        ),
    ),
    *_items(
        "food-spice",
        "chai",
        ("250 ml", "500 ml"),
        540,
        (
            ("Nước mắm cá cơm", "anchovy fish sauce", 60_000, 140_000),
            ("Tương ớt", "chilli sauce", 35_000, 55_000),
            ("Hạt mắc khén", "mắc khén pepper", 60_000, 120_000),
            ("Muối ớt rừng", "wild-chilli salt", 35_000, 60_000),
            ("Tương bần", "soybean paste", 35_000, 50_000),
        ),
    ),
    *_items(
        "food-tea",
        "hộp",
        BOX,
        730,
        (
            ("Chè Shan tuyết", "Shan Tuyet tea", 150_000, 480_000),
            ("Trà hoa vàng", "golden camellia tea", 350_000, 1_200_000),
            ("Chè xanh", "green tea", 80_000, 200_000),
            ("Hồng trà", "black tea", 120_000, 300_000),
            ("Trà giảo cổ lam", "jiaogulan tea", 70_000, 150_000),
        ),
    ),
    *_items(
        "food-coffee",
        "gói",
        G500,
        365,
        (
            ("Cà phê rang xay", "ground roasted coffee", 120_000, 260_000),
            ("Bột ca cao nguyên chất", "pure cocoa powder", 140_000, 280_000),
        ),
    ),
    *_items(
        "beverage-alcohol",
        "chai",
        BOTTLE,
        1825,
        (
            ("Rượu ngô men lá", "leaf-yeast corn liquor", 90_000, 160_000),
            ("Rượu mơ", "apricot wine", 120_000, 220_000),
            ("Rượu ba kích", "morinda root liquor", 150_000, 350_000),
            ("Rượu nếp cẩm", "black sticky-rice wine", 90_000, 180_000),
            ("Rượu sim rừng", "wild rose-myrtle wine", 110_000, 200_000),
        ),
    ),
    *_items(
        "beverage-soft",
        "chai",
        ("250 ml", "500 ml"),
        365,
        (
            ("Nước cốt gừng", "ginger cordial", 45_000, 90_000),
            ("Nước ép chanh leo", "passion-fruit juice", 35_000, 60_000),
            ("Siro mơ", "apricot syrup", 60_000, 120_000),
        ),
    ),
    *_items(
        "herbal-food",
        "hộp",
        ("60 viên", "100 g"),
        730,
        (
            ("Cao dây thìa canh", "gymnema extract", 250_000, 480_000),
            ("Viên tinh bột nghệ mật ong", "turmeric-honey pills", 180_000, 350_000),
            ("Cao xạ đen", "xạ đen herbal extract", 220_000, 420_000),
            ("Trà túi lọc cà gai leo", "cà gai leo herbal tea bags", 90_000, 160_000),
        ),
    ),
    *_items(
        "herbal-cosmetic",
        "chai",
        ("10 ml", "50 ml"),
        1095,
        (
            ("Tinh dầu quế", "cinnamon essential oil", 70_000, 180_000),
            ("Tinh dầu sả java", "citronella oil", 60_000, 150_000),
            ("Dầu gội thảo dược", "herbal shampoo", 90_000, 160_000),
            ("Xà phòng thảo dược", "herbal soap", 40_000, 70_000),
            ("Cao tắm thuốc người Dao", "Dao herbal bath extract", 60_000, 120_000),
        ),
    ),
    *_items(
        "herbal-raw",
        "túi",
        ("250 g", "500 g"),
        540,
        (
            ("Cà gai leo khô", "dried cà gai leo", 80_000, 160_000),
            ("Hoa hồi khô", "dried star anise", 90_000, 200_000),
            ("Nấm linh chi", "lingzhi mushrooms", 350_000, 900_000),
            ("Giảo cổ lam khô", "dried jiaogulan", 70_000, 140_000),
        ),
    ),
    *_items(
        "handicraft-textile",
        "cái",
        ("1 chiếc",),
        None,
        (
            ("Túi thổ cẩm", "brocade bag", 150_000, 450_000),
            ("Khăn choàng thổ cẩm", "brocade shawl", 200_000, 600_000),
            ("Ví thêu tay", "hand-embroidered purse", 80_000, 180_000),
            ("Gối tựa thổ cẩm", "brocade cushion", 180_000, 350_000),
        ),
    ),
    *_items(
        "handicraft-wood",
        "cái",
        ("1 chiếc",),
        None,
        (
            ("Giỏ mây đan", "rattan basket", 90_000, 250_000),
            ("Mâm tre đan", "woven bamboo tray", 120_000, 280_000),
            ("Đũa gỗ nghiến", "ironwood chopsticks", 80_000, 180_000),
            ("Thớt gỗ nghiến", "ironwood chopping board", 150_000, 450_000),
        ),
    ),
    *_items(
        "handicraft-other",
        "cái",
        ("1 chiếc",),
        None,
        (
            ("Bình gốm men lam", "blue-glaze pottery vase", 250_000, 900_000),
            ("Đèn lồng lụa", "silk lantern", 120_000, 350_000),
            ("Dao rèn thủ công", "hand-forged knife", 200_000, 550_000),
        ),
    ),
    *_items(
        "ornamental-plant",
        "chậu",
        ("chậu 20 cm", "chậu 30 cm"),
        None,
        (
            ("Lan hài", "slipper orchid", 350_000, 1_500_000),
            ("Cây trà hoa vàng", "golden camellia plant", 300_000, 1_200_000),
            ("Bonsai sam hương", "sam hương bonsai", 600_000, 1_500_000),
        ),
    ),
    *_items(
        "ornamental-animal",
        "con",
        ("1 con",),
        None,
        (
            ("Cá Koi", "koi carp", 250_000, 1_500_000),
            ("Gà Tiên Yên cảnh", "ornamental Tiên Yên chicken", 300_000, 800_000),
        ),
    ),
    *_items(
        "tourism-service",
        "vé",
        ("1 người",),
        None,
        (
            ("Trải nghiệm homestay bản", "village homestay experience", 250_000, 650_000),
            ("Tour thuyền trên hồ", "lake boat tour", 150_000, 400_000),
            ("Trải nghiệm làm nông dân", "farmer-for-a-day experience", 120_000, 300_000),
        ),
    ),
)

BLURBS: dict[str, tuple[str, str]] = {
    "food-fresh": ("Thu hoạch đúng vụ, đóng gói tại vườn.", "Picked in season and packed on the farm."),
    "food-grain": (
        "Giống bản địa, sơ chế và đóng gói tại hợp tác xã.",
        "A native variety, cleaned and packed at the cooperative.",
    ),
    "food-honey": (
        "Mật ong nguyên chất, độ ẩm dưới 20%, không pha đường.",
        "Pure honey below 20% moisture, no added sugar.",
    ),
    "food-processed": (
        "Chế biến thủ công theo công thức địa phương, không chất bảo quản.",
        "Made by hand to a local recipe, without preservatives.",
    ),
    "food-spice": ("Gia vị đặc sản, đóng chai tiện dùng.", "A local seasoning, bottled for the kitchen."),
    "food-tea": ("Búp chè hái tay, chế biến trong ngày.", "Hand-picked leaves processed the same day."),
    "food-coffee": ("Rang mộc, xay vừa, không tẩm hương liệu.", "Plain-roasted, medium-ground, unflavoured."),
    "beverage-alcohol": (
        "Nấu thủ công, hạ thổ trước khi đóng chai. Uống có trách nhiệm.",
        "Distilled by hand and aged in earth before bottling. Drink responsibly.",
    ),
    "beverage-soft": (
        "Không chất bảo quản, bảo quản mát sau khi mở.",
        "No preservatives; keep cool once opened.",
    ),
    "herbal-food": (
        "Dược liệu trồng tại địa phương, sản xuất theo tiêu chuẩn GMP.",
        "Locally grown herbs, made to GMP standards.",
    ),
    "herbal-cosmetic": (
        "Chiết xuất từ thảo mộc địa phương, dùng ngoài da.",
        "Extracted from local herbs, for external use.",
    ),
    "herbal-raw": ("Dược liệu sấy khô, sạch tạp chất.", "Dried medicinal herb, cleaned of impurities."),
    "handicraft-textile": (
        "Dệt và thêu tay theo hoa văn truyền thống.",
        "Woven and embroidered by hand in traditional patterns.",
    ),
    "handicraft-wood": (
        "Làm thủ công từ nguyên liệu tự nhiên của núi rừng.",
        "Handmade from natural materials of the hills.",
    ),
    "handicraft-other": (
        "Sản phẩm làng nghề, mỗi chiếc một nét riêng.",
        "Made in a craft village; each piece is unique.",
    ),
    "ornamental-plant": (
        "Cây giống bản địa, chăm sóc tại vườn ươm.",
        "A native plant, raised in the nursery.",
    ),
    "ornamental-animal": ("Nuôi tại trại, có hướng dẫn chăm sóc.", "Farm-raised, with care instructions."),
    "tourism-service": (
        "Do người dân địa phương tổ chức và hướng dẫn.",
        "Organised and guided by local people.",
    ),
}

SURNAMES = (
    "Nông",
    "Hoàng",
    "Ma",
    "Lý",
    "Triệu",
    "Đàm",
    "Nguyễn",
    "Lục",
    "Giàng",
    "Vàng",
    "Sùng",
    "Trần",
    "Lê",
    "Phạm",
    "Hà",
    "Lò",
    "Bế",
    "Đinh",
    "Võ",
    "Huỳnh",
)
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Mí", "Seo", "Ngọc", "Hữu", "Kim")
GIVEN = (
    "Thắng",
    "Hoa",
    "Sơn",
    "Lan",
    "Tùng",
    "Mai",
    "Páo",
    "Dính",
    "Hùng",
    "Nga",
    "Phúc",
    "Vân",
    "Tuấn",
    "Huệ",
    "Quân",
    "Thảo",
    "Cường",
    "Hằng",
    "Long",
    "Yến",
)
BRANDS = (
    "Phúc Lộc",
    "Thành Công",
    "Hợp Thành",
    "Tân Tiến",
    "Đoàn Kết",
    "Bình An",
    "Hưng Thịnh",
    "Xanh",
    "Bản Xưa",
    "Núi Đá",
    "Mây Trắng",
    "Suối Ngọc",
    "Hoa Đào",
    "Đại Ngàn",
    "Sơn Cước",
)
SECTORS = {
    "food": "Nông nghiệp",
    "beverage": "Đồ uống",
    "herbal": "Dược liệu",
    "handicraft": "Thủ công",
    "ornamental": "Sinh vật cảnh",
    "tourism": "Du lịch cộng đồng",
}
ENTERPRISE_SECTORS = {
    "food": "Thực phẩm",
    "beverage": "Đồ uống",
    "herbal": "Dược liệu",
    "handicraft": "Mỹ nghệ",
    "ornamental": "Cây cảnh",
    "tourism": "Du lịch",
}


def sector_of(group: str) -> str:
    """The top group of a sub-group code: 'food-tea' → 'food'."""
    return group.split("-", 1)[0]
