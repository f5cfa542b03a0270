"""What the office reads beside each table's title in the admin: the table's name and meaning
in Vietnamese (TABLE_HELP). The columns' texts are in admin.labels_columns and admin.labels.
"""

from __future__ import annotations

TABLE_HELP: dict[str, str] = {
    "place": "Địa danh: tỉnh, xã theo bản đồ hiện hành và huyện cũ trước sáp nhập 2025 (chỉ đọc).",
    "area": "Khu vực phục vụ của điểm bán (một huyện cũ hoặc một vùng có tên).",
    "product_group": "Nhóm và phân nhóm sản phẩm OCOP theo bộ tiêu chí.",
    "producer": "Chủ thể OCOP: hợp tác xã, doanh nghiệp, tổ hợp tác, hộ kinh doanh.",
    "product": "Sản phẩm OCOP. Đường dẫn, mã truy xuất, xuất xứ và chuỗi tìm kiếm được tính tự động.",
    "product_translation": "Tên và mô tả sản phẩm bằng các ngôn ngữ khác (tiếng Việt là bản gốc).",
    "certificate": "Chứng nhận OCOP (chỉ đọc). Cấp, công nhận lại, thu hồi tại Văn phòng › Sản phẩm.",
    "failed_evaluation": "Sản phẩm đánh giá dưới 3 sao (không được cấp chứng nhận), để báo cáo tỷ lệ đạt.",
    "quality_certification": "Chứng nhận chất lượng khác: VietGAP, hữu cơ, HACCP…",
    "location": "Nơi có hàng: điểm bán, hội chợ, kho của chủ thể.",
    "account": "Vai trò và phạm vi của người dùng (chỉ đọc). Đổi vai trò tại Văn phòng › Người dùng.",
    "account_location": "Điểm bán mà quản lý hoặc nhân viên làm việc.",
    "batch": "Lô hàng: mã lô, ngày sản xuất, hạn dùng (chỉ đọc).",
    "stock_level": "Tồn kho theo địa điểm, sản phẩm, lô và hình thức sở hữu (chỉ đọc).",
    "stock_movement": "Sổ nhập xuất tồn: mỗi thay đổi tồn kho là một dòng, không sửa không xoá (chỉ đọc).",
    "stock_threshold": "Mức tồn tối thiểu của sản phẩm tại một địa điểm (để gợi ý đặt hàng).",
    "stock_receipt": "Phiếu nhập hàng (chỉ đọc).",
    "stock_receipt_line": "Dòng của phiếu nhập hàng (chỉ đọc).",
    "stock_transfer": "Phiếu chuyển kho giữa hai địa điểm (chỉ đọc).",
    "stock_transfer_item": "Dòng của phiếu chuyển kho (chỉ đọc).",
    "stock_count": "Phiếu kiểm kê (chỉ đọc).",
    "stock_write_off": "Phiếu xuất huỷ: hàng hỏng, hết hạn, mất (chỉ đọc).",
    "till_shift": "Ca làm việc tại quầy thu ngân (chỉ đọc).",
    "till_sale": "Hoá đơn bán tại quầy (chỉ đọc).",
    "till_sale_line": "Dòng hàng của hoá đơn bán tại quầy (chỉ đọc).",
    "till_payment": "Thanh toán của hoá đơn bán tại quầy (chỉ đọc).",
    "till_return": "Phiếu trả hàng tại quầy (chỉ đọc).",
    "till_return_line": "Dòng của phiếu trả hàng (chỉ đọc).",
    "till_refund": "Tiền hoàn cho khách khi trả hàng (chỉ đọc).",
    "till_clearance": "Cho phép bán tiếp sản phẩm đã hết chứng nhận (chỉ đọc).",
    "shipping_rate": "Phí giao hàng trực tuyến theo tỉnh (một dòng mặc định cho các tỉnh khác).",
    "currency_rate": "Tỷ giá để hiện giá tham khảo bằng ngoại tệ (không dùng tỷ giá trực tuyến).",
    "customer_order": "Đơn hàng trực tuyến (chỉ đọc). Xác nhận chuyển khoản tại Văn phòng › Đơn trực tuyến.",
    "fulfilment": "Phần đơn hàng do một chủ thể hoặc điểm bán giao (chỉ đọc).",
    "order_line": "Dòng hàng của đơn trực tuyến (chỉ đọc).",
    "order_event": "Lịch sử đơn hàng: mỗi bước, ai làm, lúc nào (chỉ đọc).",
    "payment": "Thanh toán của đơn trực tuyến: thẻ, chuyển khoản (chỉ đọc).",
    "payment_refund": "Hoàn tiền cho đơn trực tuyến (chỉ đọc).",
    "webhook_event": "Thông báo nhận từ cổng thanh toán, mỗi thông báo xử lý một lần (chỉ đọc).",
    "outgoing_email": "Thư đã và sẽ gửi đi (chỉ đọc).",
    "invoice_seller": "Đơn vị xuất hóa đơn điện tử: điểm bán, chủ thể, hoặc (để trống cả hai) "
    "đơn vị vận hành; tài khoản nhà cung cấp đặt trong biến môi trường OCOP_SINVOICE_*.",
    "e_invoice": "Hóa đơn điện tử của bán tại quầy, trả hàng, đơn trực tuyến; phát hành sau khi bán "
    "(chỉ đọc). Hóa đơn bị từ chối: Văn phòng › Hóa đơn điện tử.",
    "settlement_statement": "Đối soát hằng tháng với chủ thể (chỉ đọc; lập, duyệt tại Văn phòng › Đối soát).",
    "settlement_line": "Dòng của bảng đối soát (chỉ đọc).",
}
