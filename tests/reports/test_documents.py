"""The four year-end PDFs of seed 004's 2023 year, read back with pdftotext.

Seed 004's year is built once for the module (through the services, inside a
transaction rolled back at the end) and its documents rendered once; each
test then reads the extracted text (docs/documents/*.png come from the demo:
tests/reports/test_demo_documents.py).
"""

import datetime as dt
import io
import os
import re
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation
from pypdf import PdfReader

from blocs import services as blocs
from blocs.models import Bloc
from pledges import services as pledges
from pledges.models import Indicator, Submission
from reports import documents, pdf
from reports import services as report_services
from reports.models import LegalBasis, Publication
from scoring import services
from tests import factories

# Marked so that pytest-django sets up the test database even when only the
# tests reading the module's shared documents are selected.
pytestmark = pytest.mark.django_db

KINDS = ["pledge", "summary", "minutes", "nomination"]

BLOC_004 = "Khối thi đua BQL KCN, KKT, KCNC các tỉnh Tây Nguyên và Duyên hải miền Trung"
MINISTRY = "Bộ Kế hoạch và Đầu tư"
SEED_004 = [  # short name, official name, province, projects, export (plan, actual)
    (
        "KKT Dung Quất",
        "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp tỉnh Quảng Ngãi",
        "Quảng Ngãi",
        (10, 14),
        (1000, 1300),
    ),
    (
        "KKT Gia Lai",
        "Ban Quản lý Khu kinh tế tỉnh Gia Lai",
        "Gia Lai",
        (8, 11),
        (200, 250),
    ),
    (
        "KKT Bình Định",
        "Ban Quản lý Khu kinh tế tỉnh Bình Định",
        "Bình Định",
        (12, 14),
        (900, 1000),
    ),
    (
        "KKT Vân Phong",
        "Ban Quản lý Khu kinh tế Vân Phong",
        "Khánh Hòa",
        (10, 11),
        (500, 560),
    ),
    (
        "KCN Đắk Lắk",
        "Ban Quản lý các Khu công nghiệp tỉnh Đắk Lắk",
        "Đắk Lắk",
        (6, 7),
        (150, 160),
    ),
    (
        "KKT Kon Tum",
        "Ban Quản lý Khu kinh tế tỉnh Kon Tum",
        "Kon Tum",
        (5, 5),
        (80, 80),
    ),
    (
        "KCNC-KCN Đà Nẵng",
        "Ban Quản lý Khu công nghệ cao và các Khu công nghiệp Đà Nẵng",
        "Đà Nẵng",
        (20, 19),
        (2000, 1900),
    ),
    (
        "KKT mở Chu Lai",
        "Ban Quản lý Khu kinh tế mở Chu Lai",
        "Quảng Nam",
        (12, 11),
        (700, 650),
    ),
    ("KKT Phú Yên", "Ban Quản lý Khu kinh tế Phú Yên", "Phú Yên", (6, 5), (120, 100)),
    (
        "KCN Lâm Đồng",
        "Ban Quản lý các Khu công nghiệp tỉnh Lâm Đồng",
        "Lâm Đồng",
        (5, 4),
        (90, 70),
    ),
    (
        "KCN Đắk Nông",
        "Ban Quản lý các Khu công nghiệp tỉnh Đắk Nông",
        "Đắk Nông",
        (4, 3),
        (60, 40),
    ),
]
FULL = {short: name for short, name, *_ in SEED_004}
HEADS = {"KKT Vân Phong": "Nguyễn Trọng Hoàng", "KKT Dung Quất": "Hà Hoàng Việt Phương"}
SECTIONS = {
    "results": "Các đơn vị hoàn thành vượt mức các chỉ tiêu.",
    "shortcomings": "Một số đơn vị nộp báo cáo chậm so với thời hạn.",
    "lessons": "Trao đổi kinh nghiệm thường xuyên.",
    "directions": "Tiếp tục đẩy mạnh phong trào thi đua.",
    "start_time": dt.time(8, 0),
    "end_time": dt.time(11, 30),
    "participants": "Lãnh đạo 11 đơn vị thành viên",
    "guests": "Đồng chí Trần Hoàng Tuấn, Phó Chủ tịch thường trực UBND tỉnh",
    "secretary": "Lê Thị Thư Ký",
    "counting_team": "Nguyễn Văn Kiểm, Trưởng ban kiểm phiếu",
    "discussion": "Các đơn vị chia sẻ kết quả nổi bật.",
}
LAW_2003 = "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003"
DECREE_2017 = "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ"
DECREE_2025 = "Nghị định số 152/2025/NĐ-CP của Chính phủ"


def pdf_text(content: bytes, *, layout: bool = True) -> str:
    """pdftotext (-layout: rows of tables on one line; without it, the text of
    a table cell stays together), whitespace folded across wrapped lines."""
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _submit(year, board, officer, secretariat, entries):
    sub = Submission.objects.get(bloc_year=year, board=board)
    sub = pledges.submission_submit(
        submission=sub, actor=officer, expected_version=sub.version, entries=entries
    )
    return pledges.submission_approve(submission=sub, actor=secretariat)


def build_seed_004():
    """Seed 004's bloc in 2023: approved figures, scores, a signed pledge,
    closed rounds (flag, merit, head, deputy) with the eleven boards' votes."""
    ministry = factories.ministry(short_name="BKHĐT", name=MINISTRY)
    bloc = factories.bloc(short_name="TN-DHMT-D", name=BLOC_004, ministry=ministry)
    boards = {
        short: factories.board(
            short_name=short, name=name, province=province, head=HEADS.get(short, "")
        )
        for short, name, province, *_ in SEED_004
    }
    year = factories.bloc_year(
        bloc=bloc,
        year=2023,
        members=list(boards.values()),
        head=boards["KKT Vân Phong"],
        deputy=boards["KKT Dung Quất"],
    )
    year = blocs.bloc_year_upsert(
        bloc=bloc,
        year=2023,
        conference_date=dt.date(2023, 12, 28),
        conference_place="Khu kinh tế Dung Quất, tỉnh Quảng Ngãi",
        host=boards["KKT Dung Quất"],
        note="Một số đơn vị nộp báo cáo chậm so với thời hạn.",
    )
    for order, (citation, start, end) in enumerate(
        [
            (LAW_2003, dt.date(2004, 7, 1), dt.date(2023, 12, 31)),
            (DECREE_2017, dt.date(2017, 7, 31), dt.date(2023, 12, 31)),
            (DECREE_2025, dt.date(2025, 7, 1), None),
        ]
    ):
        LegalBasis.objects.create(
            citation=citation, valid_from=start, valid_until=end, order=order
        )
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    secretariat = factories.user(role="secretariat", bloc=bloc)
    codes = ["new-projects", "new-projects-fdi", "export"]
    projects, fdi, export = (
        Indicator.objects.get(bloc_year=year, code=c) for c in codes
    )
    officers = {}
    for short, _name, _province, (p_plan, p_actual), (e_plan, e_actual) in SEED_004:
        officers[short] = factories.user(role="board_officer", board=boards[short])
        entries = {
            projects.pk: pledges.Entry(plan=D(p_plan), actual=D(p_actual)),
            fdi.pk: pledges.Entry(actual=D(p_actual)),
            export.pk: pledges.Entry(plan=D(e_plan), actual=D(e_actual)),
        }
        _submit(year, boards[short], officers[short], secretariat, entries)
    pledge = pledges.pledge_create(
        bloc_year=year,
        actor=secretariat,
        signing_date=dt.date(2023, 2, 5),
        signing_place="Thành phố Buôn Ma Thuột, tỉnh Đắk Lắk",
    )
    pledge = pledges.pledge_open(pledge=pledge, actor=secretariat)
    for short, officer in officers.items():
        if short != "KCN Đắk Nông":  # one board has not signed
            pledges.pledge_sign(pledge=pledge, actor=officer)
    scale = services.scale_create(bloc_year=year, actor=secretariat)
    services.scale_freeze(scale=scale, actor=secretariat)

    ids = {short: b.pk for short, b in boards.items()}
    rounds = {}
    for kind, quota in [("flag", 2), ("merit", 3), ("head", 1), ("deputy", 1)]:
        voting_round = services.round_create(
            bloc_year=year,
            kind=kind,
            actor=secretariat,
            quota=quota,
            max_choices=quota,
        )
        rounds[kind] = factories.round_open(
            voting_round=voting_round, actor=secretariat
        )
    for i, officer in enumerate(officers.values()):
        flag = ["KKT Dung Quất", "KKT Gia Lai"] if i < 9 else ["KKT Dung Quất"]
        merit = ["KKT Bình Định", "KKT Vân Phong"]
        merit += ["KCN Đắk Lắk"] if i < 8 else ["KKT Phú Yên"]
        for kind, choice in [
            ("flag", flag),
            ("merit", merit),
            ("head", ["KKT Dung Quất"]),
            ("deputy", ["KKT Kon Tum"]),
        ]:
            services.ballot_cast(
                voting_round=rounds[kind],
                actor=officer,
                choices=[ids[n] for n in choice],
            )
    for voting_round in rounds.values():
        services.round_close(voting_round=voting_round, actor=secretariat)
    report_services.sections_save(bloc_year=year, actor=secretariat, **SECTIONS)
    for short in ["KKT Dung Quất", "KKT Gia Lai", "KKT Bình Định", "KKT Vân Phong"]:
        report_services.achievement_set(
            bloc_year=year,
            board=boards[short],
            text=f"Thành tích nổi bật của {short}.",
            actor=secretariat,
        )
    return year


@pytest.fixture(scope="module")
def seed_004_pdfs(django_db_setup, django_db_blocker):
    """Every document of seed 004's 2023 year, as bytes, rendered once."""
    with django_db_blocker.unblock(), transaction.atomic():
        year = build_seed_004()
        pdfs = {kind: documents.render(kind, year, draft=False) for kind in KINDS}
        pdfs["draft"] = documents.render("minutes", year, draft=True)
        pdfs["published"] = documents.render(
            "nomination",
            year,
            draft=False,
            publication=Publication(code="K7QX2M9PLA", version=2),
            qr_svg='<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
            '<rect width="10" height="10"/></svg>',
            verify_url="/verify/?code=K7QX2M9PLA",
        )
        transaction.set_rollback(True)
    if os.environ.get("DOCS_PDF_DIR"):  # for a look at every page
        for kind, content in pdfs.items():
            Path(os.environ["DOCS_PDF_DIR"], f"{kind}.pdf").write_bytes(content)
    return pdfs


@pytest.fixture(scope="module")
def texts(seed_004_pdfs):
    return {kind: pdf_text(content) for kind, content in seed_004_pdfs.items()}


@pytest.fixture(scope="module")
def raw(seed_004_pdfs):
    return {
        kind: pdf_text(content, layout=False) for kind, content in seed_004_pdfs.items()
    }


# Every document --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_document_is_a_pdf_with_the_national_header(
    seed_004_pdfs, texts, raw, kind
):
    assert seed_004_pdfs[kind].startswith(b"%PDF")
    text = texts[kind]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert MINISTRY.upper() in text
    assert BLOC_004.upper() in raw[kind]
    # Not yet numbered: the register gives the number when published.
    abbreviation = {"pledge": "GU", "summary": "BC", "minutes": "BB"}
    abbreviation["nomination"] = "TTr"
    assert f"Số: /{abbreviation[kind]}-KTĐ" in text
    assert "Mã xác thực" not in text
    fonts = subprocess.run(
        ["pdffonts", "-"], input=seed_004_pdfs[kind], capture_output=True, check=True
    ).stdout.decode()
    assert "Liberation-Serif" in fonts, "apt-get install fonts-liberation2"
    assert "DejaVu" not in fonts


@pytest.mark.parametrize("kind", ["summary", "minutes", "nomination"])
def test_conference_place_and_date_in_decree_30_form(texts, kind):
    assert "Quảng Ngãi, ngày 28 tháng 12 năm 2023" in texts[kind]


@pytest.mark.parametrize("kind", ["pledge", "nomination"])
def test_legal_bases_in_force_on_the_date_only(texts, kind):
    assert f"Căn cứ {LAW_2003}" in texts[kind]
    assert DECREE_2017 in texts[kind]
    assert "152/2025" not in texts[kind]


def test_date_line_pads_days_and_the_first_two_months():
    assert documents.date_line("Hà Nội", dt.date(2020, 2, 5)) == (
        "Hà Nội, ngày 05 tháng 02 năm 2020"
    )
    assert documents.date_line("Huế", dt.date(2023, 3, 9)) == (
        "Huế, ngày 09 tháng 3 năm 2023"
    )
    assert documents.date_line("", dt.date(2023, 12, 28)) == "Ngày 28 tháng 12 năm 2023"


# The pledge -----------------------------------------------------------------------


def test_pledge_parties_targets_commitments_and_signatures(seed_004_pdfs, texts):
    text = texts["pledge"]
    assert "GIAO ƯỚC THI ĐUA" in text
    assert "Đắk Lắk, ngày 05 tháng 02 năm 2023" in text  # signing place and date
    for short, name in FULL.items():
        assert name in text, short
    assert "Ban Quản lý" in text
    # Targets registered: new projects 98 in all, export 5.800 million USD.
    assert "Số dự án cấp mới" in text
    assert "Giá trị xuất khẩu" in text
    assert "KKT Dung Quất 10 1.000" in text
    assert "Toàn khối 98 5.800" in text
    assert "1. " in text
    # One signature block per member: its name, its head's title and name.
    raw = pdf_text(seed_004_pdfs["pledge"], layout=False)
    assert raw.count("TRƯỞNG BAN") == 11
    for short, name in FULL.items():
        assert name.upper() in raw, short
    assert "Nguyễn Trọng Hoàng" in raw
    assert "Hà Hoàng Việt Phương" in raw


# The summary report -----------------------------------------------------------------


def test_summary_report_totals_percentages_chart_and_awards(seed_004_pdfs, texts):
    text = texts["summary"]
    assert "BÁO CÁO" in text
    assert "Tổng kết công tác thi đua năm 2023" in text
    assert "gồm 11 đơn vị thành viên" in text
    assert f"Khối trưởng: {FULL['KKT Vân Phong']}" in text
    # New projects: 104 of a plan of 98 = 106,12%; export 6.110 of 5.800 = 105,34%.
    assert "Số dự án cấp mới dự án 98 104 106,12" in text
    assert "Giá trị xuất khẩu triệu USD 5.800 6.110 105,34" in text
    assert "Toàn khối 98 104 106,12" in text
    assert "KKT Dung Quất 10 14 140" in text
    assert "KKT Gia Lai 200 250 125" in text
    assert "11/11 đơn vị đã được Khối duyệt" in text
    assert "Một số đơn vị nộp báo cáo chậm" in text  # III from the year's note
    assert f"Cờ thi đua của {MINISTRY} (2 đơn vị)" in text
    assert f"Bằng khen của Bộ trưởng {MINISTRY} (3 đơn vị)" in text
    for short in ["KKT Dung Quất", "KKT Gia Lai"]:
        assert FULL[short] in text
    # V: next year's leaders, from the elections.
    assert (
        f"bầu {FULL['KKT Dung Quất']} làm Khối trưởng và "
        f"{FULL['KKT Kon Tum']} làm Khối phó năm 2024"
    ) in text
    assert b"<svg" not in seed_004_pdfs["summary"]  # drawn, not pasted as text
    assert "140%" in text  # the chart's label for Dung Quất


def test_bar_chart_svg_scales_to_the_largest_share():
    svg = documents.bar_chart_svg([("A", D("50")), ("B & C", D("200")), ("D", None)])
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "B &amp; C" in svg
    assert 'width="300.0"' in svg  # 200% fills the bar area
    assert 'width="75.0"' in svg
    assert "—" in svg


# The minutes --------------------------------------------------------------------------


def test_minutes_print_the_year_end_conference_date_not_the_signing_date(texts):
    """Issue 11: the pledge-signing date was typed as "Ngày hội nghị" and
    printed on the minutes; they print the year-end conference's day."""
    text = " ".join(texts["minutes"].split())
    assert "ngày 28/12/2023, tại Hội nghị tổng kết công tác thi đua năm 2023" in text
    assert "05/02/2023" not in text  # seed 004's pledge-signing date


def test_minutes_ballots_votes_shares_and_results(texts):
    text = texts["minutes"]
    assert "BIÊN BẢN" in text
    assert "Có mặt 11/11 đơn vị thành viên" in text
    assert (
        "Số phiếu phát ra: 11; số phiếu thu về: 11; số phiếu hợp lệ: 11; "
        "số phiếu không hợp lệ: 0"
    ) in text
    assert "KKT Dung Quất 11 100 Được chọn" in text
    assert "KKT Gia Lai 9 81,82 Được chọn" in text
    assert "KCN Đắk Lắk 8 72,73 Được chọn" in text
    assert "KKT Phú Yên 3 27,27" in text
    assert f"Khối trưởng năm 2024: {FULL['KKT Dung Quất']}" in text
    assert f"Khối phó năm 2024: {FULL['KKT Kon Tum']}" in text
    assert "THƯ KÝ" in text
    # Seed 004: the head and the deputy co-chaired.
    assert "Đồng chủ trì:" in text
    assert (
        f"Nguyễn Trọng Hoàng, Trưởng ban {FULL['KKT Vân Phong']}, Khối trưởng" in text
    )
    assert f"Hà Hoàng Việt Phương, Trưởng ban {FULL['KKT Dung Quất']}, Khối phó" in text
    assert text.count("ĐỒNG CHỦ TRÌ") == 2
    assert "Lê Thị Thư Ký" in text
    assert "Ban kiểm phiếu gồm: - Nguyễn Văn Kiểm" in text
    assert "bắt đầu lúc 08 giờ 00" in text
    assert "kết thúc lúc 11 giờ 30" in text
    assert "Trần Hoàng Tuấn" in text


def first_page_text(content: bytes) -> str:
    """pypdf keeps the diagonal watermark's letters together (pdftotext -layout
    scatters them among the lines they cross)."""
    return PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_draft_watermark_only_on_drafts(seed_004_pdfs):
    draft = PdfReader(io.BytesIO(seed_004_pdfs["draft"]))
    assert all("DỰ THẢO" in page.extract_text() for page in draft.pages)
    for kind in KINDS:
        assert "DỰ THẢO" not in first_page_text(seed_004_pdfs[kind])


# The nomination --------------------------------------------------------------------


def test_nomination_to_the_minister_with_the_list_per_award(texts, raw):
    text = texts["nomination"]
    assert "TỜ TRÌNH" in text
    assert f"Kính gửi: Bộ trưởng {MINISTRY}" in text
    assert "Số dự án cấp mới dự án 98 104 106,12" in text
    assert "Giá trị xuất khẩu triệu USD 5.800 6.110 105,34" in text
    # The units proposed, by their full names (table cells: read without -layout).
    for short in ["KKT Dung Quất", "KKT Gia Lai"]:
        assert FULL[short] in raw["nomination"]
    for short in ["KKT Bình Định", "KKT Vân Phong", "KCN Đắk Lắk"]:
        assert FULL[short] in raw["nomination"]
    assert FULL["KKT Phú Yên"] not in raw["nomination"]
    assert "Biên bản bỏ phiếu, Bảng điểm, Báo cáo thành tích" in text
    assert "Lưu: VT, KTĐ" in text


def test_published_copy_carries_its_code_version_and_link(seed_004_pdfs, texts):
    text = texts["published"]
    assert "Mã xác thực: K7QX2M9PLA · Phiên bản 2" in text
    assert "/verify/?code=K7QX2M9PLA" in text
    pages = PdfReader(io.BytesIO(seed_004_pdfs["published"])).pages
    assert text.count("Mã xác thực: K7QX2M9PLA") == len(pages)  # on every page
    assert "DỰ THẢO" not in first_page_text(seed_004_pdfs["published"])


# Seed 000 -------------------------------------------------------------------------

SEED_000 = [  # short name, official name, province, projects, capital (plan, actual)
    (
        "KKT Vân Phong",
        "Ban Quản lý Khu kinh tế Vân Phong",
        "Khánh Hòa",
        30,
        (300, 700.5),
    ),
    ("KKT Phú Yên", "Ban Quản lý Khu kinh tế Phú Yên", "Phú Yên", 25, (250, 600.2)),
    (
        "KKT Nhơn Hội",
        "Ban Quản lý Khu kinh tế tỉnh Bình Định",
        "Bình Định",
        20,
        (170, 400),
    ),
    (
        "KKT Dung Quất",
        "Ban Quản lý Khu kinh tế Dung Quất",
        "Quảng Ngãi",
        18,
        ("130.87", 350),
    ),
    (
        "KKT mở Chu Lai",
        "Ban Quản lý Khu kinh tế mở Chu Lai",
        "Quảng Nam",
        15,
        (80, 200),
    ),
    (
        "KCN Quảng Nam",
        "Ban Quản lý các Khu công nghiệp tỉnh Quảng Nam",
        "Quảng Nam",
        14,
        (56, 150),
    ),
    (
        "KCN-KCX Đà Nẵng",
        "Ban Quản lý các Khu công nghiệp và chế xuất Đà Nẵng",
        "Đà Nẵng",
        10,
        (30, 70),
    ),
]


def test_seed_000_cluster_totals_in_the_summary_report(db):
    bloc = factories.bloc(
        short_name="DHMT-2016",
        name="Cụm thi đua BQL các KCN, KCX, KKT Duyên hải miền Trung",
        kind=Bloc.Kind.CLUSTER,
    )
    boards = [
        factories.board(short_name=short, name=name, province=province)
        for short, name, province, *_ in SEED_000
    ]
    year = factories.bloc_year(
        bloc=bloc, year=2016, members=boards, head=boards[0], deputy=boards[4]
    )
    year = blocs.bloc_year_upsert(
        bloc=bloc,
        year=2016,
        conference_date=dt.date(2017, 2, 23),
        conference_end_date=dt.date(2017, 2, 24),
        conference_place="Quảng Nam",
    )
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    secretariat = factories.user(role="secretariat", bloc=bloc)
    indicator = {
        c: Indicator.objects.get(bloc_year=year, code=c)
        for c in ["new-projects", "new-projects-fdi", "new-capital-usd"]
    }
    for board, (*_, projects, (plan, actual)) in zip(boards, SEED_000, strict=True):
        officer = factories.user(role="board_officer", board=board)
        entries = {
            indicator["new-projects"].pk: pledges.Entry(actual=D(projects)),
            indicator["new-projects-fdi"].pk: pledges.Entry(actual=D(projects)),
            indicator["new-capital-usd"].pk: pledges.Entry(
                plan=D(str(plan)), actual=D(str(actual))
            ),
        }
        _submit(year, board, officer, secretariat, entries)
    content = documents.render("summary", year, draft=False)
    text = pdf_text(content)
    assert "Số dự án cấp mới dự án — 132" in text
    assert "1.016,87 2.470,7 242,97" in text
    assert "Số: /BC-CTĐ" in text
    assert "TM. CỤM THI ĐUA" in text
    assert "CỤM TRƯỞNG" in text
    assert "Quảng Nam, ngày 23 tháng 02 năm 2017" in text
    assert FULL["KKT Vân Phong"] in text


def test_pdf_fetches_nothing_over_the_network_nor_outside_the_project():
    fetcher = pdf.LocalFetcher()
    for url in ["http://example.com/x.css", "https://example.com/x.png"]:
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    with pytest.raises(ValueError, match="outside the project"):
        fetcher.fetch("file:///etc/passwd")
    inside = Path(settings.BASE_DIR, "pyproject.toml").as_uri()
    assert b"[project]" in fetcher.fetch(inside).read()


def test_bar_chart_figures_stand_clear_of_the_100_percent_line_with_a_legend():
    svg = documents.bar_chart_svg([("A", D("95")), ("B", D("140")), ("C", D("100"))])
    line_x = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    figures = re.findall(r'<text x="([\d.]+)" y="[\d.]+" [^>]*>([\d,]+)%</text>', svg)
    heading, *figures = figures  # the line's own "100%", above it
    assert float(heading[0]) == line_x
    assert [f for _x, f in figures] == ["95", "140", "100"]
    # Each figure starts right of every bar, so no line crosses it.
    assert all(float(x) > 130 + 300 for x, _f in figures)
    assert all(float(x) > line_x for x, _f in figures)
    for label in ("at or above plan", "below plan", "100% of the plan"):
        with translation.override("en"):
            assert label in documents.bar_chart_svg([("A", D("95"))])
