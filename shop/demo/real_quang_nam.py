"""Real OCOP product kinds of Quảng Nam (since 2025 part of Đà Nẵng city).

Quảng Nam's known specialities: Ngọc Linh ginseng (Nam Trà My), mì Quảng and sesame rice
crackers (Phú Chiêm, Điện Bàn), Trà Sâm Dứa, Thanh Hà pottery (Hội An), Mã Châu silk (Duy
Xuyên), Trà My cinnamon, Cửa Khe fish sauce and the Trà Quế vegetable village. Producer names,
decision numbers, tax codes, prices and certificate numbers are illustrative demo values
written for this file; none is copied from a register.
"""

from __future__ import annotations

from shop.catalog.models import ProducerKind as K
from shop.catalog.models import QualityKind as Q
from shop.demo.specs import CertSpec as C
from shop.demo.specs import ProducerSpec, ProductSpec, d, gtin13
from shop.demo.specs import QualitySpec as QS

DN = "(nay thuộc thành phố Đà Nẵng)"

NGOC_LINH = ProducerSpec(
    code="CTY-NGOCLINH",
    kind=K.enterprise,
    name="Công ty TNHH Dược liệu Ngọc Linh Trà My",
    tax_code="4001187452",
    place="Trà Linh, Nam Trà My, Quảng Nam",
    address=f"Xã Trà Linh, huyện Nam Trà My, tỉnh Quảng Nam {DN}",
    story=(
        "Trồng sâm Ngọc Linh dưới tán rừng nguyên sinh ở độ cao trên 1.800 m cùng đồng bào "
        "Xơ Đăng, chế biến tại chỗ."
    ),
    products=(
        ProductSpec(
            "herbal-food",
            "Cao Sâm Ngọc Linh",
            "Ngọc Linh ginseng extract",
            "lọ",
            "100 g",
            1_500_000,
            "Cao đặc chiết xuất từ củ và thân rễ sâm Ngọc Linh trồng dưới tán rừng, bồi bổ sức khỏe.",
            "A thick extract of Ngọc Linh ginseng roots and rhizomes grown under forest "
            "canopy, taken as a tonic.",
            certs=(C(5, d(2024, 6, 27), 2562),),
            quality=(QS(Q.gacp_who, "Cục Quản lý Y, Dược cổ truyền", "GACP-QNa-0031", d(2023, 9, 1), 5),),
            shelf_life_days=1095,
            gtin=gtin13("893618450002"),
        ),
        ProductSpec(
            "beverage-alcohol",
            "Rượu Sâm Ngọc Linh",
            "Ngọc Linh ginseng liquor",
            "chai",
            "500 ml",
            1_200_000,
            "Rượu nếp ngâm củ sâm Ngọc Linh năm năm tuổi, vị đắng nhẹ, hậu ngọt. Độ cồn 35%.",
            "Sticky-rice liquor steeped with a five-year-old Ngọc Linh ginseng root: lightly "
            "bitter with a sweet finish. 35% alcohol.",
            certs=(C(4, d(2024, 1, 19), 188),),
            shelf_life_days=3650,
        ),
        ProductSpec(
            "food-tea",
            "Trà túi lọc Sâm Ngọc Linh",
            "Ngọc Linh ginseng tea bags",
            "hộp",
            "20 gói × 2 g",
            480_000,
            "Lá và thân sâm Ngọc Linh sấy lạnh, đóng túi lọc tiện dùng.",
            "Cold-dried Ngọc Linh ginseng leaves and stems in convenient tea bags.",
            certs=(C(4, d(2024, 1, 19), 188),),
            shelf_life_days=730,
        ),
    ),
)

PHU_CHIEM = ProducerSpec(
    code="HTX-PHUCHIEM",
    kind=K.cooperative,
    name="HTX Mì Quảng Phú Chiêm",
    tax_code="4001203876",
    place="Điện Phương, Điện Bàn, Quảng Nam",
    address=f"Làng Phú Chiêm, xã Điện Phương, thị xã Điện Bàn, tỉnh Quảng Nam {DN}",
    story="Làng nghề mì Quảng và bánh tráng Phú Chiêm giữ cách tráng bánh bằng bếp củi.",
    products=(
        ProductSpec(
            "food-processed",
            "Mì Quảng Phú Chiêm",
            "Phú Chiêm mì Quảng noodles",
            "gói",
            "500 g",
            35_000,
            "Sợi mì Quảng tráng từ gạo, nhuộm vàng bằng nghệ, phơi khô, không chất bảo quản.",
            "Rice noodles for mì Quảng, coloured with turmeric and sun-dried, no preservatives.",
            certs=(C(3, d(2024, 4, 16), 1163),),
            shelf_life_days=180,
        ),
        ProductSpec(
            "food-processed",
            "Bánh tráng mè Phú Chiêm",
            "Phú Chiêm sesame rice crackers",
            "gói",
            "10 cái",
            40_000,
            "Bánh tráng gạo rắc mè đen, nướng giòn ăn kèm mì Quảng hoặc cuốn rau.",
            "Rice crackers with black sesame, grilled crisp to eat with mì Quảng or wraps.",
            certs=(C(3, d(2024, 4, 16), 1163),),
            shelf_life_days=180,
        ),
    ),
)

SAM_DUA = ProducerSpec(
    code="CTY-SAMDUA",
    kind=K.enterprise,
    name="Công ty TNHH Trà Sâm Dứa Quảng Nam",
    tax_code="4001159933",
    place="An Xuân, Tam Kỳ, Quảng Nam",
    address=f"Phường An Xuân, thành phố Tam Kỳ, tỉnh Quảng Nam {DN}",
    story="Trà xanh ướp lá dứa thơm và hoa sâm theo công thức gia truyền xứ Quảng.",
    products=(
        ProductSpec(
            "food-tea",
            "Trà Sâm Dứa",
            "Sâm Dứa pandan tea",
            "hộp",
            "200 g",
            65_000,
            "Trà xanh ướp lá dứa thơm, hương ngọt dịu, pha nóng hay uống đá đều ngon.",
            "Green tea scented with pandan leaves: sweetly fragrant, hot or iced.",
            certs=(C(3, d(2022, 11, 8), 2854), C(4, d(2025, 10, 14), 3392)),
            shelf_life_days=540,
            gtin=gtin13("893618450019"),
        ),
    ),
)

THANH_HA = ProducerSpec(
    code="HTX-GOMTHANHHA",
    kind=K.cooperative,
    name="HTX Gốm Thanh Hà",
    tax_code="4001211427",
    place="Thanh Hà, Hội An, Quảng Nam",
    address=f"Làng gốm Thanh Hà, phường Thanh Hà, thành phố Hội An, tỉnh Quảng Nam {DN}",
    story="Làng gốm năm trăm năm bên sông Thu Bồn, nặn tay và nung lò củi.",
    products=(
        ProductSpec(
            "handicraft-other",
            "Bình gốm Thanh Hà",
            "Thanh Hà pottery vase",
            "cái",
            "cao 25 cm",
            350_000,
            "Bình gốm đỏ nặn tay trên bàn xoay, nung lò củi, mỗi chiếc một dáng.",
            "A red-clay vase thrown on a kick wheel and wood-fired; no two alike.",
            certs=(C(3, d(2024, 5, 9), 1389),),
        ),
        ProductSpec(
            "handicraft-other",
            "Bộ ấm chén gốm Thanh Hà",
            "Thanh Hà pottery tea set",
            "bộ",
            "1 ấm, 6 chén",
            450_000,
            "Bộ ấm chén gốm mộc, giữ nhiệt tốt, đóng hộp quà.",
            "An unglazed pottery teapot and six cups that hold the heat, in a gift box.",
            certs=(C(3, d(2024, 5, 9), 1389),),
        ),
    ),
)

MA_CHAU = ProducerSpec(
    code="HTX-MACHAU",
    kind=K.cooperative,
    name="HTX Dệt lụa Mã Châu",
    tax_code="4001224590",
    place="Nam Phước, Duy Xuyên, Quảng Nam",
    address=f"Thị trấn Nam Phước, huyện Duy Xuyên, tỉnh Quảng Nam {DN}",
    story="Làng lụa Mã Châu trồng dâu, nuôi tằm, ươm tơ và dệt lụa trên khung cửi.",
    products=(
        ProductSpec(
            "handicraft-textile",
            "Khăn lụa tơ tằm Mã Châu",
            "Mã Châu silk scarf",
            "cái",
            "1 chiếc 180 × 50 cm",
            450_000,
            "Khăn lụa tơ tằm dệt tay, nhuộm màu tự nhiên từ lá bàng và vỏ cây.",
            "A hand-woven silk scarf dyed with almond leaves and tree bark.",
            certs=(C(3, d(2024, 11, 21), 427),),
        ),
    ),
)

TRA_MY = ProducerSpec(
    code="HTX-QUETRAMY",
    kind=K.cooperative,
    name="HTX Quế Trà My",
    tax_code="4001230884",
    place="Trà My, Bắc Trà My, Quảng Nam",
    address=f"Thị trấn Trà My, huyện Bắc Trà My, tỉnh Quảng Nam {DN}",
    story="Quế Trà My, một trong những vùng quế quý nhất Việt Nam, do đồng bào Ca Dong trồng.",
    products=(
        ProductSpec(
            "food-spice",
            "Quế thanh Trà My",
            "Trà My cinnamon sticks",
            "hộp",
            "100 g",
            60_000,
            "Vỏ quế cuộn thanh phơi khô, dày dầu, cay ngọt, dùng nấu ăn và pha trà.",
            "Rolled, sun-dried cinnamon bark, rich in oil, sweet-hot for cooking and tea.",
            certs=(C(3, d(2024, 8, 13), 1711),),
            quality=(QS(Q.organic, "Tổ chức chứng nhận hữu cơ TCVN 11041", "HC-QNa-022", d(2024, 3, 1), 2),),
            shelf_life_days=730,
        ),
        ProductSpec(
            "herbal-cosmetic",
            "Tinh dầu quế Trà My",
            "Trà My cinnamon essential oil",
            "chai",
            "10 ml",
            85_000,
            "Tinh dầu quế chưng cất từ lá và cành quế Trà My.",
            "Cinnamon oil steam-distilled from Trà My cinnamon leaves and twigs.",
            certs=(C(3, d(2024, 8, 13), 1711),),
            shelf_life_days=1095,
        ),
    ),
)

CUA_KHE = ProducerSpec(
    code="HKD-CUAKHE",
    kind=K.household_business,
    name="Hộ kinh doanh Nguyễn Văn Hải",
    tax_code="4001246013",
    place="Bình Dương, Thăng Bình, Quảng Nam",
    address=f"Làng Cửa Khe, xã Bình Dương, huyện Thăng Bình, tỉnh Quảng Nam {DN}",
    story="Ba đời làm nước mắm cá cơm ủ chượp trong thùng gỗ ở làng biển Cửa Khe.",
    products=(
        ProductSpec(
            "food-spice",
            "Nước mắm cá cơm Cửa Khe",
            "Cửa Khe anchovy fish sauce",
            "chai",
            "500 ml",
            85_000,
            "Nước mắm nhĩ cá cơm ủ muối 12 tháng trong thùng gỗ, độ đạm 30°N.",
            "First-press anchovy fish sauce aged 12 months in wooden vats, 30°N protein.",
            certs=(C(3, d(2024, 7, 25), 1498),),
            shelf_life_days=730,
        ),
    ),
)

TRA_QUE = ProducerSpec(
    code="THT-TRAQUE",
    kind=K.cooperative_group,
    name="Tổ hợp tác Rau Trà Quế",
    tax_code="4001252361",
    place="Cẩm Hà, Hội An, Quảng Nam",
    address=f"Thôn Trà Quế, xã Cẩm Hà, thành phố Hội An, tỉnh Quảng Nam {DN}",
    story="Làng rau trồng bằng rong sông Đế Võng; khách đến học làm vườn và nấu ăn.",
    products=(
        ProductSpec(
            "tourism-service",
            "Trải nghiệm làng rau Trà Quế",
            "Trà Quế vegetable village experience",
            "vé",
            "1 người, 3 giờ",
            150_000,
            "Một buổi làm nông dân: cuốc đất, bón rong, tưới rau, rồi học nấu món Hội An.",
            "A morning as a farmer: hoe, mulch with river weed, water the beds, then cook a Hội An dish.",
            certs=(C(3, d(2024, 12, 18), 3318),),
        ),
    ),
)

PRODUCERS: tuple[ProducerSpec, ...] = (
    NGOC_LINH,
    PHU_CHIEM,
    SAM_DUA,
    THANH_HA,
    MA_CHAU,
    TRA_MY,
    CUA_KHE,
    TRA_QUE,
)
