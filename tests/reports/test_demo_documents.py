"""Every document of the demo, read as the office that signs it would: the
people in its signature blocks, what it says is illustrative, its own place
and date, nothing for an editor left in it, every word inside Decree 30's
margins on every page.

The demo is loaded once for the module; each document is the published PDF
when the demo could publish it, else its draft.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from blocs.models import BlocYear
from reports import documents
from reports.documents.formatting import date_line
from reports.models import Publication
from tests.demo import demo_loaded

# Marked so that pytest-django sets up the test database for the fixture.
pytestmark = pytest.mark.django_db

KINDS = [k.value for k in Publication.Kind]
YEARS = [("TN-DHMT", 2023), ("DHMT", 2016), ("TN-DHMT", 2024), ("TN-DHMT", 2026)]
MM = 2.835  # points per millimetre
A4 = (595.3, 841.9)
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, A4[0] - 15 * MM, 20 * MM, A4[1] - 20 * MM
SLACK = 0.5  # pdftotext rounds glyph boxes


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    """{(bloc, year, kind): (bytes, published)} for every demo document."""
    loaded = demo_loaded(django_db_blocker, tmp_path_factory)
    next(loaded)
    out = {}
    with django_db_blocker.unblock():
        for short, year in YEARS:
            bloc_year = BlocYear.objects.get(bloc__short_name=short, year=year)
            for kind in KINDS:
                publication = Publication.objects.filter(
                    bloc_year=bloc_year, kind=kind
                ).first()
                if publication is not None:
                    with publication.file.open("rb") as f:
                        out[(short, year, kind)] = (f.read(), True)
                else:
                    content = documents.render(kind, bloc_year, draft=True)
                    out[(short, year, kind)] = (content, False)
    if os.environ.get("DOCS_PNG"):
        _write_pngs(out)
    yield out
    next(loaded, None)


# docs/documents/*.png: the demo's 2023 documents (published, else drafts) and
# the 2024 pledge its named heads sign (by hand: DOCS_PNG=1 pytest this file).
PNGS = {
    "pledge": (("TN-DHMT", 2024, "pledge"), 1),
    "summary": (("TN-DHMT", 2023, "summary"), 1),
    "summary-2": (("TN-DHMT", 2023, "summary"), 2),
    "minutes": (("TN-DHMT", 2023, "minutes"), 1),
    "nomination": (("TN-DHMT", 2023, "nomination"), 1),
}


def _write_pngs(pdfs) -> None:
    target = Path(settings.BASE_DIR) / "docs" / "documents"
    target.mkdir(parents=True, exist_ok=True)
    for name, (key, page) in PNGS.items():
        pages = ["-f", str(page), "-l", str(page)]
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", *pages, "-singlefile", "-", target / name],
            input=pdfs[key][0],
            check=True,
        )


def text_of(content: bytes, *, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


@pytest.fixture(scope="module")
def texts(pdfs):
    return {key: text_of(content) for key, (content, _p) in pdfs.items()}


# People ----------------------------------------------------------------------


def test_signature_blocks_name_the_people_the_seeds_name(pdfs, texts):
    for kind in ("summary", "nomination"):
        text = texts[("TN-DHMT", 2023, kind)]
        assert "TM. KHỐI THI ĐUA KHỐI TRƯỞNG" in text
        assert "Nguyễn Trọng Hoàng" in text
        assert pdfs[("TN-DHMT", 2023, kind)][1], "signed by a named head: published"
    minutes = texts[("TN-DHMT", 2023, "minutes")]
    assert "Đồng chủ trì:" in minutes
    assert "Nguyễn Trọng Hoàng, Trưởng ban Ban Quản lý Khu kinh tế Vân Phong" in minutes
    assert "Hà Hoàng Việt Phương, Trưởng ban Ban Quản lý Khu kinh tế Dung Quất" in (
        minutes
    )
    assert minutes.count("ĐỒNG CHỦ TRÌ") == 2
    assert "Trần Hoàng Tuấn" in minutes  # the guest


def test_the_2023_pledge_has_a_signature_block_per_member(texts):
    pledge = texts[("TN-DHMT", 2023, "pledge")]
    assert pledge.count("TRƯỞNG BAN") == 11
    # No seed dates it nor names who signed it: every name is marked missing.
    assert pledge.count("[Thiếu họ tên người ký]") == 11
    # The 2024 pledge was signed at the 2023 conference (seed 004): the heads
    # the seed names on that day sign it.
    pledge = texts[("TN-DHMT", 2024, "pledge")]
    assert "Quảng Ngãi, ngày 28 tháng 12 năm 2023" in pledge
    assert pledge.count("TRƯỞNG BAN") == 11
    assert "Nguyễn Trọng Hoàng" in pledge
    assert "Hà Hoàng Việt Phương" in pledge
    assert pledge.count("[Thiếu họ tên người ký]") == 9


# Provenance ------------------------------------------------------------------


def test_no_document_prints_seed(texts):
    for key, text in texts.items():
        assert "seed" not in text.lower(), key


def test_every_2023_document_says_its_figures_are_illustrative(texts):
    # (The 2024 pledge prints no figure: nothing registered in the demo.)
    for kind in KINDS:
        assert "Số liệu minh họa" in texts[("TN-DHMT", 2023, kind)], kind


def test_2016_states_no_award_or_election_seed_000_does_not(texts):
    for kind in KINDS:
        text = texts[("DHMT", 2016, kind)]
        for invented in ("Cờ thi đua", "Bằng khen", "phiếu", "chưa bầu", "Được chọn"):
            assert invented not in text, (kind, invented)
    assert "suy tôn 03 đơn vị dẫn đầu Cụm" in texts[("DHMT", 2016, "nomination")]


# Dates, places, placeholders -------------------------------------------------

INSTRUCTION = re.compile(
    r"\([^()]*(bổ sung|chưa ghi|chưa bầu|chưa xác định|điền|ghi rõ|nhập)[^()]*\)",
    re.IGNORECASE,
)


def test_no_document_holds_an_instruction_to_the_editor(pdfs, texts):
    for key, text in texts.items():
        assert not INSTRUCTION.search(text), key
        if pdfs[key][1]:  # a publication never shows what a draft lacks
            assert "[Thiếu" not in text, key


def test_past_years_carry_their_own_date_and_open_years_a_place(texts):
    today = date_line("", timezone.localdate()).lower()
    for key, text in texts.items():
        assert today not in text.lower(), key
    assert "Quảng Ngãi, ngày" in texts[("TN-DHMT", 2024, "pledge")]
    for kind in ("summary", "minutes", "nomination"):
        assert "Quảng Nam, ngày 23 tháng 02 năm 2017" in texts[("DHMT", 2016, kind)]
        assert "Quảng Ngãi, ngày 28 tháng 12 năm 2023" in texts[("TN-DHMT", 2023, kind)]
    for kind in KINDS:
        assert "Quảng Ngãi, ngày" in texts[("TN-DHMT", 2026, kind)], kind


# Layout: Decree 30/2020/NĐ-CP, Appendix I --------------------------------------

BOX = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"'
WORD = re.compile(rf"<word {BOX}>([^<]*)</word>")
PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


def outside_margins(content: bytes, *, published: bool) -> list[tuple]:
    """Words outside the text area. Decree 30 itself puts the page number in
    the top margin; a publication's verification footer sits in the bottom
    one. Both must still respect the left and right margins."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    bad = []
    for number, page in enumerate(PAGE.findall(out), start=1):
        for match in WORD.finditer(page):
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            word = match.group(5)
            if x0 < LEFT - SLACK or x1 > RIGHT + SLACK:
                bad.append((number, word, x0, x1))
            elif y0 < TOP - SLACK and not (word.isdigit() and y1 <= TOP + SLACK):
                bad.append((number, word, y0))
            elif y1 > BOTTOM + SLACK and not published:
                bad.append((number, word, y1))
    return bad


def test_every_word_of_every_page_is_inside_the_margins(pdfs):
    for key, (content, published) in pdfs.items():
        assert outside_margins(content, published=published) == [], key


def test_the_demo_fund_is_printed_as_illustrative(texts):
    """No seed states a fund figure: the demo's statement says so above it,
    and its closing balance is what the demo paid in less what it spent."""
    summary = texts[("TN-DHMT", 2023, "summary")]
    fund = summary[summary.index("Quỹ khối") :]
    assert fund.index("Số liệu minh họa") < fund.index("Số dư cuối năm")
    # 18.500.000 carried over + 10 of 11 members x 10.000.000 - 87.000.000.
    assert "31.500.000" in fund
    assert "Tổ chức Hội nghị tổng kết công tác thi đua năm 2023" in fund
