"""Real OCOP products of Bắc Kạn (since 2025 part of Thái Nguyên), as named in OCOP.md.

The products and the facts about them come from OCOP.md (Miến dong Tài Hoan: the province's
first national 5★, re-recognised in 2024; bao thai rice, sticky rice, taro, sausage, seedless
persimmon, oranges and tangerines, aromatic wax gourd, leaf-yeast rice wine, smoked pork,
brocade, basketry). Producers other than Tài Hoan, decision numbers, tax codes, prices and
quality-certificate numbers are illustrative demo values written for this file.
"""

from __future__ import annotations

from shop.catalog.models import ProducerKind as K
from shop.catalog.models import QualityKind as Q
from shop.demo.specs import CertSpec as C
from shop.demo.specs import ProducerSpec, ProductSpec, d, gtin13
from shop.demo.specs import QualitySpec as QS

SAFE_CHAIN = "Chi cục Quản lý chất lượng nông lâm sản và thủy sản Bắc Kạn"
CERT_BODY = "Trung tâm Chứng nhận phù hợp (QUACERT)"
NOW = "(nay thuộc tỉnh Thái Nguyên)"

TAI_HOAN = ProducerSpec(
    code="HTX-TAIHOAN",
    kind=K.cooperative,
    name="Hợp tác xã Tài Hoan",
    tax_code="4700285316",
    place="Côn Minh, Na Rì, Bắc Kạn",
    phone="0209 3884 162",
    address=f"Xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn {NOW}",
    story=(
        "Hợp tác xã làm miến dong thủ công từ củ dong riềng của khoảng 500 hộ trên 70 ha "
        "vùng nguyên liệu ở Na Rì. Miến dong Tài Hoan là sản phẩm OCOP 5 sao quốc gia đầu "
        "tiên của Bắc Kạn, xuất khẩu sang Cộng hòa Séc từ năm 2020."
    ),
    products=(
        ProductSpec(
            "food-processed",
            "Miến dong Tài Hoan",
            "Tài Hoan arrowroot glass noodles",
            "gói",
            "500 g",
            75_000,
            "Miến làm từ tinh bột dong riềng Na Rì, phơi nắng tự nhiên, sợi dai và trong, "
            "không dùng chất tẩy trắng. Sản phẩm OCOP 5 sao quốc gia.",
            "Glass noodles made from Na Rì arrowroot starch and dried in the sun: chewy, "
            "clear strands with no bleaching agents. A national 5-star OCOP product.",
            certs=(C(5, d(2021, 12, 20), 5012), C(5, d(2024, 10, 8), 3768)),
            quality=(QS(Q.haccp, CERT_BODY, "HACCP-1823/24", d(2024, 3, 12)),),
            shelf_life_days=365,
            gtin=gtin13("893604520001"),
        ),
        ProductSpec(
            "food-grain",
            "Tinh bột dong riềng Tài Hoan",
            "Tài Hoan arrowroot starch",
            "túi",
            "1 kg",
            95_000,
            "Tinh bột lọc từ củ dong riềng tươi của vùng nguyên liệu Côn Minh, dùng làm bánh và nấu chè.",
            "Starch washed out of fresh arrowroot from the Côn Minh growing area, for cakes and sweet soups.",
            certs=(C(3, d(2024, 5, 17), 1126),),
            shelf_life_days=540,
        ),
    ),
)

BANG_PHUC = ProducerSpec(
    code="HTX-BANGPHUC",
    kind=K.cooperative,
    name="HTX Nông nghiệp Bằng Phúc",
    tax_code="4700301447",
    place="Bằng Phúc, Chợ Đồn, Bắc Kạn",
    address=f"Xã Bằng Phúc, huyện Chợ Đồn, tỉnh Bắc Kạn {NOW}",
    story=(
        "Rượu nấu từ gạo nếp nương ủ men lá rừng theo bí quyết người Tày, và chè "
        "Shan tuyết hái từ những cây chè cổ trên núi Bằng Phúc."
    ),
    products=(
        ProductSpec(
            "beverage-alcohol",
            "Rượu men lá Bằng Phúc",
            "Bằng Phúc leaf-yeast rice wine",
            "chai",
            "500 ml",
            120_000,
            "Rượu gạo nếp nương lên men bằng men lá rừng, chưng cất thủ công, hậu vị ngọt "
            "thơm. Độ cồn 29,5%.",
            "Upland sticky-rice wine fermented with forest-leaf yeast and distilled by hand; "
            "a sweet, fragrant finish. 29.5% alcohol.",
            certs=(C(3, d(2021, 6, 4), 962), C(4, d(2024, 5, 30), 1214)),
            shelf_life_days=1825,
            gtin=gtin13("893604520018"),
        ),
        ProductSpec(
            "food-tea",
            "Chè Shan tuyết Bằng Phúc",
            "Bằng Phúc Shan Tuyet tea",
            "hộp",
            "200 g",
            180_000,
            "Búp chè Shan tuyết cổ thụ sao khô thủ công, nước xanh vàng, vị chát dịu.",
            "Buds of old Shan Tuyet tea trees, pan-dried by hand: a yellow-green cup with a "
            "gentle astringency.",
            certs=(C(3, d(2024, 6, 12), 1341),),
            quality=(QS(Q.vietgap, CERT_BODY, "VietGAP-TT-0417", d(2024, 2, 20)),),
            shelf_life_days=730,
        ),
    ),
)

QUANG_THUAN = ProducerSpec(
    code="HTX-QUANGTHUAN",
    kind=K.cooperative,
    name="HTX Nông nghiệp Quang Thuận",
    tax_code="4700298873",
    place="Quang Thuận, Bạch Thông, Bắc Kạn",
    address=f"Xã Quang Thuận, huyện Bạch Thông, tỉnh Bắc Kạn {NOW}",
    story="Hồng không hạt và cam trồng trên đồi Quang Thuận, thu hái đúng vụ, không ủ hóa chất.",
    products=(
        ProductSpec(
            "food-fresh",
            "Hồng không hạt Quang Thuận",
            "Quang Thuận seedless persimmons",
            "kg",
            "1 kg",
            60_000,
            "Hồng không hạt đặc sản Bắc Kạn, quả giòn, ngọt mát, thu hoạch tháng 9–10.",
            "Bắc Kạn's seedless persimmons: crisp, sweet fruit picked in September and October.",
            certs=(C(4, d(2024, 9, 25), 2287),),
            quality=(QS(Q.safe_food_chain, SAFE_CHAIN, "ATTP-BK-112", d(2024, 8, 1)),),
            shelf_life_days=14,
        ),
        ProductSpec(
            "food-fresh",
            "Cam Quang Thuận",
            "Quang Thuận oranges",
            "kg",
            "1 kg",
            35_000,
            "Cam sành vỏ mỏng, mọng nước, trồng theo VietGAP trên đất đồi Bạch Thông.",
            "Thin-skinned, juicy king oranges grown to VietGAP on the hills of Bạch Thông.",
            certs=(C(3, d(2024, 11, 14), 2905),),
            quality=(QS(Q.vietgap, CERT_BODY, "VietGAP-TT-0522", d(2024, 10, 2)),),
            shelf_life_days=21,
        ),
    ),
)

CHO_DON = ProducerSpec(
    code="HTX-QUANGBACH",
    kind=K.cooperative,
    name="HTX Nông sản Quảng Bạch",
    tax_code="4700315580",
    place="Quảng Bạch, Chợ Đồn, Bắc Kạn",
    address=f"Xã Quảng Bạch, huyện Chợ Đồn, tỉnh Bắc Kạn {NOW}",
    story="Lúa bao thai trên ruộng bậc thang và quýt Quảng Bạch, hai đặc sản của Chợ Đồn.",
    products=(
        ProductSpec(
            "food-grain",
            "Gạo bao thai Chợ Đồn",
            "Chợ Đồn bao thai rice",
            "túi",
            "5 kg",
            125_000,
            "Gạo bao thai hạt nhỏ, cơm dẻo và thơm, trồng trên ruộng bậc thang, chuỗi thực phẩm an toàn.",
            "Small-grained bao thai rice from terraced fields: soft, fragrant and from a "
            "certified safe-food chain.",
            certs=(C(3, d(2021, 8, 19), 1530), C(3, d(2024, 8, 6), 1877)),
            quality=(QS(Q.organic, "Tổ chức chứng nhận hữu cơ TCVN 11041", "HC-0091", d(2024, 4, 1), 2),),
            shelf_life_days=365,
            gtin=gtin13("893604520025"),
        ),
        ProductSpec(
            "food-fresh",
            "Quýt Quảng Bạch",
            "Quảng Bạch tangerines",
            "kg",
            "1 kg",
            45_000,
            "Quýt vỏ vàng óng, múi ngọt đậm, chín vào dịp Tết.",
            "Golden-skinned tangerines with rich, sweet segments, ripe for Tết.",
            certs=(C(3, d(2025, 1, 9), 44),),
            shelf_life_days=30,
        ),
    ),
)

NGAN_SON = ProducerSpec(
    code="HTX-KHAUNUA",
    kind=K.cooperative_group,
    name="Tổ hợp tác Nếp Khẩu nua lếch Ngân Sơn",
    tax_code="4700322619",
    place="Thượng Quan, Ngân Sơn, Bắc Kạn",
    address=f"Xã Thượng Quan, huyện Ngân Sơn, tỉnh Bắc Kạn {NOW}",
    story="Giống nếp nương Khẩu nua lếch của đồng bào Tày, gieo một vụ mỗi năm.",
    products=(
        ProductSpec(
            "food-grain",
            "Gạo nếp Khẩu nua lếch",
            "Khẩu nua lếch upland sticky rice",
            "túi",
            "2 kg",
            90_000,
            "Nếp nương hạt tròn, dẻo thơm, dùng đồ xôi, làm bánh chưng và nấu rượu.",
            "Round-grained upland sticky rice, soft and fragrant: for xôi, bánh chưng and rice wine.",
            certs=(C(3, d(2024, 7, 2), 1502),),
            shelf_life_days=365,
        ),
    ),
)

BA_BE = ProducerSpec(
    code="HTX-BABE",
    kind=K.cooperative,
    name="HTX Nông nghiệp Hồ Ba Bể",
    tax_code="4700309962",
    place="Khang Ninh, Ba Bể, Bắc Kạn",
    address=f"Xã Khang Ninh, huyện Ba Bể, tỉnh Bắc Kạn {NOW}",
    story="Rau củ bản địa ven hồ Ba Bể: bí xanh thơm, khoai môn, trồng theo chuỗi an toàn.",
    products=(
        ProductSpec(
            "food-fresh",
            "Bí xanh thơm Ba Bể",
            "Ba Bể aromatic wax gourd",
            "kg",
            "1 kg",
            35_000,
            "Giống bí xanh bản địa có mùi thơm đặc trưng, ruột chắc, nấu canh ngọt.",
            "A native wax gourd with its own fragrance and firm flesh, sweet in soups.",
            certs=(C(3, d(2024, 4, 23), 1002),),
            quality=(QS(Q.safe_food_chain, SAFE_CHAIN, "ATTP-BK-087", d(2024, 3, 5)),),
            shelf_life_days=30,
        ),
        ProductSpec(
            "food-fresh",
            "Khoai môn Ba Bể",
            "Ba Bể taro",
            "kg",
            "1 kg",
            40_000,
            "Khoai môn sọ trồng trên đất bãi ven sông Năng, củ bở, thơm và bùi.",
            "Taro grown on the Năng river banks: floury, fragrant and nutty.",
            certs=(C(3, d(2024, 4, 23), 1002),),
            quality=(QS(Q.organic, "Tổ chức chứng nhận hữu cơ TCVN 11041", "HC-0107", d(2024, 6, 1), 2),),
            shelf_life_days=45,
        ),
    ),
)

LAP_SUON = ProducerSpec(
    code="HKD-HOANGMAI",
    kind=K.household_business,
    name="Hộ kinh doanh Hoàng Thị Mai",
    tax_code="4700336148",
    place="Sông Cầu, Bắc Kạn, Bắc Kạn",
    address=f"Phường Sông Cầu, thành phố Bắc Kạn, tỉnh Bắc Kạn {NOW}",
    story="Lạp sườn và thịt gác bếp làm theo cách của người Tày, hun bằng củi nghiến.",
    products=(
        ProductSpec(
            "food-processed",
            "Lạp sườn Bắc Kạn",
            "Bắc Kạn lạp sườn sausage",
            "gói",
            "500 g",
            180_000,
            "Lạp sườn thịt lợn bản tẩm rượu men lá và mắc khén, phơi gió và hun khói nhẹ.",
            "Local-pig sausage seasoned with leaf-yeast wine and mắc khén pepper, wind-dried "
            "and lightly smoked.",
            certs=(C(3, d(2024, 3, 28), 803),),
            quality=(QS(Q.safe_food_chain, SAFE_CHAIN, "ATTP-BK-064", d(2024, 1, 15)),),
            shelf_life_days=90,
        ),
        ProductSpec(
            "food-processed",
            "Thịt lợn gác bếp Bắc Kạn",
            "Bắc Kạn smoked pork",
            "gói",
            "500 g",
            350_000,
            "Thịt lợn bản ướp gia vị núi rừng, treo gác bếp nhiều ngày, đóng gói hút chân không.",
            "Local pork rubbed with mountain spices, smoked for days over the kitchen fire, vacuum-packed.",
            certs=(C(3, d(2024, 3, 28), 803),),
            shelf_life_days=180,
        ),
    ),
)

CRAFTS = ProducerSpec(
    code="HTX-THOCAMBABE",
    kind=K.cooperative,
    name="HTX Thổ cẩm và Mây tre đan Nam Mẫu",
    tax_code="4700341275",
    place="Nam Mẫu, Ba Bể, Bắc Kạn",
    address=f"Bản Pác Ngòi, xã Nam Mẫu, huyện Ba Bể, tỉnh Bắc Kạn {NOW}",
    story="Phụ nữ Tày và Dao dệt thổ cẩm, đàn ông đan giỏ mây tre cho khách du lịch hồ Ba Bể.",
    products=(
        ProductSpec(
            "handicraft-textile",
            "Khăn thổ cẩm Tày Ba Bể",
            "Ba Bể Tày brocade scarf",
            "cái",
            "1 chiếc 180 × 40 cm",
            250_000,
            "Khăn dệt tay trên khung cửi truyền thống, hoa văn Tày, sợi bông nhuộm chàm.",
            "Hand-woven on a traditional loom with Tày patterns in indigo-dyed cotton.",
            certs=(C(3, d(2024, 10, 30), 2660),),
        ),
        ProductSpec(
            "handicraft-wood",
            "Giỏ mây tre đan Nam Mẫu",
            "Nam Mẫu rattan and bamboo basket",
            "cái",
            "1 chiếc Ø 30 cm",
            150_000,
            "Giỏ đan từ mây rừng và tre bản, đan dày, bền, có quai xách.",
            "A tightly woven basket of forest rattan and local bamboo, with a handle.",
            certs=(C(3, d(2024, 10, 30), 2660),),
        ),
    ),
)

PRODUCERS: tuple[ProducerSpec, ...] = (
    TAI_HOAN,
    BANG_PHUC,
    QUANG_THUAN,
    CHO_DON,
    NGAN_SON,
    BA_BE,
    LAP_SUON,
    CRAFTS,
)
