"""
Vietnamese translation of the Piccolo Admin UI chrome; we keep it because piccolo_admin ships none.
"""

from piccolo_admin.translations.models import Translation

__all__ = ["VIETNAMESE"]

# Keys are the English strings used by ``piccolo_admin.translations.data.ENGLISH``.
# Some keys are sentence fragments which the UI joins with numbers, e.g.
# "Showing 20 of 100 result(s)" and "3 selected result(s) on page 1".
VIETNAMESE: Translation = Translation(
    language_name="Tiếng Việt",
    language_code="vi",
    translations={
        "About": "Giới thiệu",
        "Add Row": "Thêm dòng",
        "Add": "Thêm",
        "Apply": "Áp dụng",
        "Ascending": "Tăng dần",
        "Back to home page": "Quay lại trang chủ",
        "Back": "Quay lại",
        "Change Password": "Đổi mật khẩu",
        "Clear filters": "Xoá bộ lọc",
        "Close": "Đóng",
        "Comma": "Dấu phẩy",
        "Create": "Tạo",
        "Current password": "Mật khẩu hiện tại",
        "Dark Mode": "Chế độ tối",
        "Days": "Ngày",
        "Delete": "Xoá",
        "Delimiter": "Dấu phân cách",
        "Descending": "Giảm dần",
        "Download": "Tải xuống",
        "Download failed": "Tải xuống thất bại",
        "Download successful": "Tải xuống thành công",
        "Edit": "Chỉnh sửa",
        "Export CSV": "Xuất CSV",
        "Filter": "Lọc",
        (
            "For timestamps which are timezone aware, they will be displayed in this timezone by default."
        ): "Các dấu thời gian có thông tin múi giờ sẽ mặc định được hiển thị theo múi giờ này.",
        "Form submitted": "Đã gửi biểu mẫu",
        "Forms": "Biểu mẫu",
        "Hide Filters": "Ẩn bộ lọc",
        "Hide referencing tables": "Ẩn các bảng tham chiếu",
        "Home": "Trang chủ",
        "Hours": "Giờ",
        "Light Mode": "Chế độ sáng",
        "Links": "Liên kết",
        "Loading": "Đang tải",
        "Log Out": "Đăng xuất",
        "Login": "Đăng nhập",
        "MFA Code": "Mã MFA",
        "MFA Setup": "Thiết lập MFA",
        "Minutes": "Phút",
        "New password confirmation": "Xác nhận mật khẩu mới",
        "New password": "Mật khẩu mới",
        "New value": "Giá trị mới",
        "No results found": "Không tìm thấy kết quả nào",
        "Note: Large data sets may take a while.": (
            "Lưu ý: Với tập dữ liệu lớn, quá trình này có thể mất một lúc."
        ),
        "Note: They are converted to UTC when stored in the database.": (
            "Lưu ý: Chúng được chuyển sang UTC khi lưu vào cơ sở dữ liệu."
        ),
        "of": "trong số",
        "page": "trang",
        "Password": "Mật khẩu",
        "result(s)": "kết quả",
        "rows": "dòng",
        "Save": "Lưu",
        "Seconds": "Giây",
        "Select a column to update": "Chọn cột cần cập nhật",
        "Select a Column": "Chọn một cột",
        "Select a table in the sidebar to get started.": "Chọn một bảng ở thanh bên để bắt đầu.",
        "selected result(s) on": "kết quả đã chọn trên",
        "Semicolon": "Dấu chấm phẩy",
        "Set Timezone": "Đặt múi giờ",
        "Show Filters": "Hiện bộ lọc",
        "Show referencing tables": "Hiện các bảng tham chiếu",
        "Showing": "Hiển thị",
        "Sort by": "Sắp xếp theo",
        "Sort": "Sắp xếp",
        "Submit": "Gửi",
        "Tables": "Bảng",
        "Timezone": "Múi giờ",
        "Thanks for using Piccolo Admin.": "Cảm ơn bạn đã sử dụng Piccolo Admin.",
        "Update": "Cập nhật",
        "Use again": "Dùng lại",
        "Username": "Tên đăng nhập",
        "Version": "Phiên bản",
        "Weeks": "Tuần",
        "Welcome to": "Chào mừng đến với",
        "with a matching": "có cùng",
    },
)
