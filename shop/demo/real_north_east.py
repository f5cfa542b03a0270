"""Real OCOP products of Đồng Văn (Hà Giang, now Tuyên Quang) and Bình Liêu (Quảng Ninh).

Facts from OCOP.md: Đồng Văn had 12 OCOP products by the end of 2021 from one enterprise and
several cooperatives (3 four-star, 9 three-star), honey among them; Bình Liêu's arrowroot
noodles, honey, camellia (sở) oil and the Tuệ Lâm herbal cooperative's essential oils, every
product stamped for traceability. Names of the other producers, decision numbers, tax codes,
prices and quality-certificate numbers are illustrative demo values written for this file.
"""

from __future__ import annotations

from shop.catalog.models import ProducerKind as K
from shop.catalog.models import QualityKind as Q
from shop.demo.specs import CertSpec as C
from shop.demo.specs import ProducerSpec, ProductSpec, d, gtin13
from shop.demo.specs import QualitySpec as QS

HG = "(nay thuộc tỉnh Tuyên Quang)"
HERBS = "Cục Quản lý Y, Dược cổ truyền"


def _oil(name: str, name_en: str, plant: str, plant_en: str, price: int, stars: int = 3) -> ProductSpec:
    """One of Tuệ Lâm's essential oils (same bottle, same decisions, different plant).

    Recognised in 2020 (province), re-evaluated in 2023 (district for 3★) and again in
    November 2026 by the merged province: three certificates, two of them superseded.
    """
    history = (
        C(stars, d(2020, 12, 15), 3418),
        C(stars, d(2023, 11, 20), 4102),
        C(stars, d(2026, 11, 2), 2716),
    )
    return ProductSpec(
        "herbal-cosmetic",
        f"Tinh dầu {name} Tuệ Lâm",
        f"Tuệ Lâm {name_en} essential oil",
        "chai",
        "10 ml",
        price,
        f"Tinh dầu {plant} chưng cất hơi nước từ nguyên liệu trồng tại Bình Liêu, nguyên chất, "
        "dùng xông, massage và khử mùi. Tem truy xuất nguồn gốc QR.",
        f"Steam-distilled pure {plant_en} oil from plants grown in Bình Liêu, for diffusing, "
        "massage and freshening. QR traceability stamp.",
        certs=history,
        shelf_life_days=1095,
    )


TUE_LAM = ProducerSpec(
    code="HTX-TUELAM",
    kind=K.cooperative,
    name="HTX Dược liệu Tuệ Lâm",
    tax_code="5701944203",
    place="Bình Liêu, Bình Liêu, Quảng Ninh",
    phone="0203 3878 552",
    address="Khu Bình Công II, thị trấn Bình Liêu, huyện Bình Liêu, tỉnh Quảng Ninh",
    story=(
        "Hợp tác xã trồng và chưng cất dược liệu vùng biên Bình Liêu: quế, hồi, bưởi, sả "
        "chanh, nghệ… Mười một sản phẩm đạt OCOP, tất cả có tem truy xuất điện tử."
    ),
    products=(
        _oil("quế", "cinnamon", "vỏ và lá quế", "cinnamon bark and leaf", 95_000, 4),
        _oil("hồi", "star anise", "hoa hồi", "star anise", 110_000, 4),
        _oil("bưởi", "pomelo peel", "vỏ bưởi", "pomelo peel", 85_000),
        _oil("sả chanh", "lemongrass", "sả chanh", "lemongrass", 75_000),
        _oil("nghệ", "turmeric", "củ nghệ", "turmeric root", 90_000),
        _oil("gừng", "ginger", "củ gừng", "ginger root", 90_000),
        _oil("bạc hà", "mint", "lá bạc hà", "mint leaf", 80_000),
        _oil("tràm", "cajeput", "lá tràm", "cajeput leaf", 70_000),
        ProductSpec(
            "herbal-raw",
            "Bột nghệ Tuệ Lâm",
            "Tuệ Lâm turmeric powder",
            "hộp",
            "200 g",
            120_000,
            "Nghệ vàng trồng tại Bình Liêu, sấy lạnh và nghiền mịn.",
            "Yellow turmeric grown in Bình Liêu, cold-dried and finely ground.",
            certs=(C(3, d(2024, 8, 22), 2931),),
            quality=(QS(Q.gacp_who, HERBS, "GACP-QN-0214", d(2024, 1, 10), 5),),
            shelf_life_days=730,
        ),
    ),
)

HOANH_MO = ProducerSpec(
    code="HTX-HOANHMO",
    kind=K.cooperative,
    name="HTX Nông nghiệp Hoành Mô",
    tax_code="5701960118",
    place="Hoành Mô, Bình Liêu, Quảng Ninh",
    address="Xã Hoành Mô, huyện Bình Liêu, tỉnh Quảng Ninh",
    story="Miến dong làm từ củ dong riềng đỏ trồng ở các bản người Tày, Dao vùng biên.",
    products=(
        ProductSpec(
            "food-processed",
            "Miến dong Bình Liêu",
            "Bình Liêu arrowroot noodles",
            "gói",
            "500 g",
            70_000,
            "Miến dong riềng đỏ Bình Liêu, sợi nhỏ, dai, nấu không nát. Tem truy xuất QR.",
            "Fine, chewy noodles of Bình Liêu red arrowroot that stay whole when cooked. "
            "QR traceability stamp.",
            certs=(C(4, d(2021, 10, 12), 3120), C(4, d(2024, 9, 17), 2884)),
            quality=(QS(Q.iso22000, "Trung tâm Chứng nhận phù hợp (QUACERT)", "ISO22-0633", d(2024, 5, 6)),),
            shelf_life_days=365,
            gtin=gtin13("893611230007"),
        ),
    ),
)

SO_OIL = ProducerSpec(
    code="THT-DAUSO",
    kind=K.cooperative_group,
    name="Tổ hợp tác Dầu sở Đồng Văn",
    tax_code="5701973305",
    place="Đồng Văn, Bình Liêu, Quảng Ninh",
    address="Xã Đồng Văn, huyện Bình Liêu, tỉnh Quảng Ninh",
    story="Hạt sở hái trên rừng sở hàng trăm năm tuổi, ép lạnh thủ công.",
    products=(
        ProductSpec(
            "food-spice",
            "Dầu sở Bình Liêu",
            "Bình Liêu camellia (sở) oil",
            "chai",
            "500 ml",
            250_000,
            "Dầu ép lạnh từ hạt sở rừng, màu vàng óng, dùng nấu ăn và dưỡng da.",
            "Cold-pressed oil of wild camellia seeds, golden, for cooking and skin care.",
            certs=(C(3, d(2024, 9, 17), 2885),),
            shelf_life_days=540,
        ),
    ),
)

BL_HONEY = ProducerSpec(
    code="HKD-LUCHON",
    kind=K.household_business,
    name="Hộ kinh doanh Nông Văn Thắng",
    tax_code="5701988840",
    place="Lục Hồn, Bình Liêu, Quảng Ninh",
    address="Xã Lục Hồn, huyện Bình Liêu, tỉnh Quảng Ninh",
    story="Gia đình nuôi ong nội dưới tán rừng hồi, quế vùng Lục Hồn.",
    products=(
        ProductSpec(
            "food-honey",
            "Mật ong rừng Bình Liêu",
            "Bình Liêu forest honey",
            "chai",
            "500 ml",
            350_000,
            "Mật ong nội lấy từ hoa rừng hồi, quế, màu hổ phách, vị ngọt thanh.",
            "Honey of native bees foraging star anise and cinnamon forests: amber and mild.",
            certs=(C(3, d(2025, 4, 10), 918),),
            shelf_life_days=730,
        ),
    ),
)

DV_HONEY = ProducerSpec(
    code="HTX-ONGDONGVAN",
    kind=K.cooperative,
    name="HTX Ong mật Đồng Văn",
    tax_code="5100648725",
    place="Đồng Văn, Đồng Văn, Hà Giang",
    address=f"Thị trấn Đồng Văn, huyện Đồng Văn, tỉnh Hà Giang {HG}",
    story="Mật ong bạc hà chỉ có trên cao nguyên đá, lấy từ hoa bạc hà dại nở cuối thu.",
    products=(
        ProductSpec(
            "food-honey",
            "Mật ong bạc hà Đồng Văn",
            "Đồng Văn mint-flower honey",
            "chai",
            "500 ml",
            450_000,
            "Mật ong từ hoa bạc hà dại trên cao nguyên đá Đồng Văn, vị ngọt thanh, hậu the mát.",
            "Honey from wild mint flowers on the Đồng Văn karst plateau: light, with a cool finish.",
            certs=(C(4, d(2021, 11, 26), 1953), C(4, d(2024, 9, 10), 1847)),
            quality=(
                QS(
                    Q.safe_food_chain,
                    "Chi cục Quản lý chất lượng nông lâm sản và thủy sản Hà Giang",
                    "ATTP-HG-051",
                    d(2024, 5, 20),
                ),
            ),
            shelf_life_days=730,
            gtin=gtin13("893612870004"),
        ),
    ),
)

CAO_NGUYEN = ProducerSpec(
    code="CTY-CAONGUYENDA",
    kind=K.enterprise,
    name="Công ty TNHH Đặc sản Cao nguyên đá",
    tax_code="5100701369",
    place="Phố Cáo, Đồng Văn, Hà Giang",
    address=f"Xã Phố Cáo, huyện Đồng Văn, tỉnh Hà Giang {HG}",
    story="Chế biến đặc sản vùng cao nguyên đá từ bò vàng và tam giác mạch của bà con Mông.",
    products=(
        ProductSpec(
            "food-processed",
            "Thịt bò khô Đồng Văn",
            "Đồng Văn dried beef",
            "gói",
            "250 g",
            250_000,
            "Thịt bò vàng vùng cao tẩm mắc khén, sấy khô, đóng gói hút chân không.",
            "Highland yellow-cattle beef seasoned with mắc khén pepper, dried and vacuum-packed.",
            certs=(C(4, d(2021, 11, 26), 1953), C(4, d(2024, 9, 10), 1847)),
            shelf_life_days=180,
        ),
        ProductSpec(
            "food-processed",
            "Bánh tam giác mạch",
            "Buckwheat cakes",
            "hộp",
            "500 g",
            60_000,
            "Bánh làm từ bột hạt tam giác mạch xay đá, nướng than hoa.",
            "Cakes of stone-ground buckwheat flour, baked over charcoal.",
            certs=(C(3, d(2021, 11, 26), 1954),),
            shelf_life_days=60,
        ),
    ),
)

LUNG_CU = ProducerSpec(
    code="HTX-LUNGCU",
    kind=K.cooperative,
    name="HTX Nông nghiệp Lũng Cú",
    tax_code="5100652298",
    place="Lũng Cú, Đồng Văn, Hà Giang",
    address=f"Xã Lũng Cú, huyện Đồng Văn, tỉnh Hà Giang {HG}",
    story="Rượu ngô nấu bằng men lá của người Mông dưới chân cột cờ Lũng Cú.",
    products=(
        ProductSpec(
            "beverage-alcohol",
            "Rượu ngô men lá Lũng Cú",
            "Lũng Cú leaf-yeast corn liquor",
            "chai",
            "500 ml",
            110_000,
            "Ngô hạt vùng cao ủ men lá, chưng cất trong nồi gỗ, ngọt êm. Độ cồn 35%.",
            "Highland corn fermented with leaf yeast and distilled in a wooden still; smooth. 35% alcohol.",
            certs=(C(4, d(2021, 11, 26), 1953), C(4, d(2024, 9, 10), 1847)),
            shelf_life_days=1825,
        ),
        ProductSpec(
            "handicraft-textile",
            "Khăn lanh thổ cẩm Mông",
            "Hmong hemp-linen brocade scarf",
            "cái",
            "1 chiếc 150 × 35 cm",
            320_000,
            "Vải lanh dệt tay, vẽ sáp ong và nhuộm chàm theo lối người Mông.",
            "Hand-woven hemp linen with beeswax batik and indigo dye in the Hmong way.",
            certs=(C(3, d(2021, 11, 26), 1954), C(3, d(2024, 9, 24), 402)),
        ),
    ),
)

PRODUCERS: tuple[ProducerSpec, ...] = (
    TUE_LAM,
    HOANH_MO,
    SO_OIL,
    BL_HONEY,
    DV_HONEY,
    CAO_NGUYEN,
    LUNG_CU,
)
