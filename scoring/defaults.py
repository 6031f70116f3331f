"""The default scoring scale, after shared/domain.md ("Scoring scales"):
A. plan indicators 55, B. state-management tasks 25, C. emulation work 15,
D. bonus and penalty ±5: 100 points before bonus and penalty. No industrial-
zone bloc publishes its scale, so each bloc edits this copy of its own."""

from decimal import Decimal as D

# code, name, kind, max points, parent, indicator code
CRITERIA = [
    ("A", "Thực hiện các chỉ tiêu kế hoạch", "group", D(55), None, ""),
    ("A1", "Số dự án cấp mới", "plan", D(10), "A", "new-projects"),
    (
        "A2",
        "Vốn đăng ký cấp mới và tăng thêm (FDI)",
        "plan",
        D(10),
        "A",
        "new-capital-usd",
    ),
    (
        "A3",
        "Vốn đăng ký cấp mới và tăng thêm (DDI)",
        "plan",
        D(5),
        "A",
        "new-capital-vnd",
    ),
    (
        "A4",
        "Giá trị sản xuất công nghiệp, thương mại, dịch vụ",
        "plan",
        D(10),
        "A",
        "production-value",
    ),
    ("A5", "Giá trị xuất khẩu", "plan", D(10), "A", "export"),
    ("A6", "Nộp ngân sách nhà nước", "plan", D(10), "A", "budget"),
    ("B", "Thực hiện nhiệm vụ quản lý nhà nước", "group", D(25), None, ""),
    (
        "B1",
        "Giải quyết thủ tục hành chính đúng hạn",
        "yes_no",
        D(8),
        "B",
        "task-licensing",
    ),
    ("B2", "Cải cách hành chính, chuyển đổi số", "yes_no", D(8), "B", "task-reform"),
    ("B3", "Báo cáo định kỳ đúng hạn", "yes_no", D(9), "B", "task-reporting"),
    ("C", "Công tác thi đua, khen thưởng, Đảng và đoàn thể", "group", D(15), None, ""),
    (
        "C1",
        "Tổ chức phong trào thi đua, nhân rộng điển hình",
        "assessed",
        D(8),
        "C",
        "",
    ),
    ("C2", "Xây dựng tổ chức Đảng, đoàn thể vững mạnh", "assessed", D(7), "C", ""),
    ("D", "Điểm thưởng, điểm trừ", "group", D(5), None, ""),
    ("D1", "Điểm thưởng: sáng kiến, mô hình mới", "bonus", D(5), "D", ""),
    ("D2", "Điểm trừ: vi phạm, báo cáo chậm", "penalty", D(5), "D", ""),
]
