"""What the office reads in the admin: each table's and each column's name and meaning in
Vietnamese. Piccolo Admin shows the column names of the database; these texts appear as the
table's help beside its title and each field's help beside its label (a test checks every
table and every mapped column has one). The tables' texts are in admin.labels_tables, the texts
shared by column name in admin.labels_columns; this module holds the texts particular to one
table's column and column_help(), which picks between the two.
"""

from __future__ import annotations

from admin.labels_columns import COLUMN_HELP

# Where a table's column means something more precise than the shared text.
TABLE_COLUMN_HELP: dict[tuple[str, str], str] = {
    ("product", "name"): "Tên sản phẩm (tiếng Việt)",
    ("producer", "name"): "Tên chủ thể",
    ("producer", "kind"): "Loại hình: hợp tác xã, doanh nghiệp, tổ hợp tác, hộ kinh doanh",
    ("producer", "code"): "Mã chủ thể (do văn phòng đặt, ví dụ HTX-TAIHOAN)",
    ("location", "kind"): "Loại: điểm bán, hội chợ, kho của chủ thể",
    ("location", "code"): "Mã địa điểm (ví dụ SP-BACKAN)",
    ("location", "producer_id"): "Chủ thể (chỉ với kho của chủ thể)",
    ("location", "place_id"): "Xã của địa điểm (bản đồ hiện hành)",
    ("producer", "place_id"): "Xã của chủ thể (bản đồ hiện hành)",
    ("product_translation", "language"): "Ngôn ngữ: en, ko, zh_Hans, ja, fr",
    ("quality_certification", "kind"): "Loại: VietGAP, hữu cơ, HACCP…",
    ("quality_certification", "number"): "Số giấy chứng nhận",
    ("till_sale", "number"): "Số hoá đơn",
    ("customer_order", "number"): "Số đơn hàng",
    (
        "customer_order",
        "status",
    ): "Trạng thái: chờ thanh toán, đã đặt (trả khi nhận), đã thanh toán, hết hạn, đã huỷ",
    ("fulfilment", "status"): "Trạng thái: chờ nhận, đã nhận, đã đóng gói, đã gửi, đã giao, từ chối, đã huỷ",
    ("certificate", "status"): "Trạng thái: còn hiệu lực, hết hạn, bị thu hồi, đã được thay",
    (
        "stock_movement",
        "kind",
    ): "Loại: nhập, chuyển đi, chuyển đến, bán, trả, bán trực tuyến, điều chỉnh kiểm kê, xuất huỷ",
    ("area", "province_id"): "Tỉnh (bản đồ hiện hành)",
    ("area", "legacy_district_id"): "Huyện cũ mà khu vực này bao phủ",
    ("failed_evaluation", "product_id"): "Sản phẩm, nếu đã có trong danh mục",
    ("failed_evaluation", "province_id"): "Tỉnh đánh giá",
    ("failed_evaluation", "stars"): "Số sao đạt được (dưới 3)",
    ("shipping_rate", "province_id"): "Tỉnh (để trống với dòng mặc định)",
    ("payment", "external_id"): "Mã phiên thanh toán thẻ (Stripe)",
    ("invoice_seller", "location_id"): "Điểm bán xuất hóa đơn (để trống: chủ thể hoặc đơn vị vận hành)",
    ("invoice_seller", "producer_id"): "Chủ thể xuất hóa đơn (để trống: điểm bán hoặc đơn vị vận hành)",
    ("invoice_seller", "name"): "Tên người bán in trên hóa đơn",
    ("invoice_seller", "address"): "Địa chỉ người bán in trên hóa đơn",
    ("invoice_seller", "provider"): "Nhà cung cấp hóa đơn điện tử (viettel: Viettel SInvoice)",
    ("invoice_seller", "template_code"): "Mẫu số hóa đơn, ví dụ 1/001",
    ("invoice_seller", "till_series"): "Ký hiệu hóa đơn khởi tạo từ máy tính tiền, ví dụ 1C25MBH",
    ("invoice_seller", "other_series"): "Ký hiệu hóa đơn khác (đơn trực tuyến), ví dụ 1C25TAA",
    ("invoice_seller", "vat_percent"): "Thuế suất GTGT gồm trong giá (0, 5, 8, 10; trống: không chịu thuế)",
    ("invoice_seller", "active"): "Đang dùng",
    ("e_invoice", "source_kind"): "Chứng từ: bán tại quầy, trả hàng, đơn trực tuyến, dòng đơn bị huỷ",
    ("e_invoice", "source_id"): "Mã chứng từ",
    ("e_invoice", "transaction_uuid"): "Mã giao dịch gửi nhà cung cấp (không bao giờ phát hành hai lần)",
    ("e_invoice", "total_vnd"): "Tổng tiền (đồng; âm với hóa đơn điều chỉnh giảm)",
    ("e_invoice", "status"): "Trạng thái: chờ phát hành, đã phát hành, bị từ chối, đã huỷ",
    ("e_invoice", "seller_id"): "Người bán đã xuất",
    ("e_invoice", "next_attempt_at"): "Lần thử tiếp theo",
    ("e_invoice", "template_code"): "Mẫu số",
    ("e_invoice", "series"): "Ký hiệu",
    ("e_invoice", "invoice_no"): "Số hóa đơn",
    ("e_invoice", "lookup_code"): "Mã tra cứu của người mua",
    ("e_invoice", "issued_at"): "Ngày phát hành",
    ("e_invoice", "buyer_name"): "Tên người mua (nếu yêu cầu hóa đơn ghi tên)",
    ("e_invoice", "buyer_tax_code"): "Mã số thuế người mua",
    ("e_invoice", "buyer_email"): "Thư điện tử nhận hóa đơn",
}


def column_help(table: str, column: str) -> str | None:
    return TABLE_COLUMN_HELP.get((table, column)) or COLUMN_HELP.get(column)
