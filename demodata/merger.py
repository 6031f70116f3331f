"""The 2025 provincial merger in the demo: from 1/7/2025 Vietnam has 34
provinces instead of 63 (Resolution 202/2025/QH15 of 12/6/2025), and the
management boards of merged provinces were merged or reorganised. The boards
of the Tây Nguyên và Duyên hải miền Trung bloc are followed here: who took
over whom (``BoardSuccession``), and the names the successors bear (a
rename keeps the old name for the years before it).

Names come from the government's decisions as the press reported them, cited
per row; where no source we hold names a successor, its name is marked
inferred and printed so. Idempotent like the rest of load_demo."""

import datetime as dt

from blocs import services
from blocs.models import Board, BoardSuccession

MERGER_DAY = dt.date(2025, 7, 1)  # Resolution 202/2025/QH15 takes effect
RESOLUTION = "Nghị quyết số 202/2025/QH15"

# Provinces of the bloc's region that ceased on 1/7/2025, each with the
# province it became part of (Resolution 202/2025/QH15, Art. 1).
CEASED_PROVINCES = {
    "Kon Tum": "Quảng Ngãi",
    "Bình Định": "Gia Lai",
    "Phú Yên": "Đắk Lắk",
    "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng",
    "Quảng Nam": "Đà Nẵng",
    "Ninh Thuận": "Khánh Hòa",
}

# (board short name, new official name, new province or None, from, inferred,
# source). The short names stay: they are the demo's keys. Gia Lai's board
# keeps its name (Decision 1498/QĐ-TTg names the merged board "Ban Quản lý
# Khu kinh tế tỉnh Gia Lai"), Khánh Hòa's and Đà Nẵng's theirs.
RENAMES = [
    (
        "KKT Dung Quất",
        "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi",
        None,
        MERGER_DAY,
        False,
        "Quyết định số 1499/QĐ-TTg: thành lập trên cơ sở hợp nhất BQL KKT Dung "
        "Quất và các KCN Quảng Ngãi và BQL KKT tỉnh Kon Tum",
    ),
    (
        "KKT mở Chu Lai",
        "Ban Quản lý Khu kinh tế mở Chu Lai thành phố Đà Nẵng",
        "Đà Nẵng",
        dt.date(2025, 11, 28),
        False,
        "Quyết định số 2609/QĐ-TTg ngày 28/11/2025: thành lập trên cơ sở tổ chức "
        "lại BQL các KKT và KCN tỉnh Quảng Nam",
    ),
    (
        "KCN Đắk Lắk",
        # Named so in the reorganisation the board proposed (Lao Động, 2026);
        # no decision we hold confirms it.
        "Ban Quản lý Khu kinh tế và các Khu công nghiệp tỉnh Đắk Lắk",
        None,
        MERGER_DAY,
        True,
        "tên suy luận theo tờ trình hợp nhất 3 ban quản lý (báo Lao Động)",
    ),
    (
        "KCN Lâm Đồng",
        # No source we hold names Lâm Đồng's board after the merger: the name
        # is its own, kept, and marked inferred.
        "Ban Quản lý các Khu công nghiệp tỉnh Lâm Đồng",
        None,
        MERGER_DAY,
        True,
        f"tên suy luận sau {RESOLUTION}",
    ),
]

# (predecessor, successor, day, kind, source)
SUCCESSIONS = [
    (
        "KKT Kon Tum",
        "KKT Dung Quất",
        MERGER_DAY,
        BoardSuccession.Kind.MERGE,
        "Quyết định số 1499/QĐ-TTg",
    ),
    (
        "KKT Bình Định",
        "KKT Gia Lai",
        MERGER_DAY,
        BoardSuccession.Kind.MERGE,
        "Quyết định số 1498/QĐ-TTg",
    ),
    (
        "KKT Phú Yên",
        "KCN Đắk Lắk",
        MERGER_DAY,
        BoardSuccession.Kind.MERGE,
        "suy luận: tờ trình hợp nhất các ban quản lý tỉnh Đắk Lắk (báo Lao Động)",
    ),
    (
        "KCN Đắk Nông",
        "KCN Lâm Đồng",
        MERGER_DAY,
        BoardSuccession.Kind.MERGE,
        f"suy luận theo {RESOLUTION}",
    ),
    (
        # The industrial zones outside Chu Lai passed to Đà Nẵng's board
        # (Decision 1012/QĐ-UBND of Đà Nẵng, 18/8/2025): a split.
        "KKT mở Chu Lai",
        "KCNC-KCN Đà Nẵng",
        dt.date(2025, 8, 18),
        BoardSuccession.Kind.SPLIT,
        "Quyết định số 1012/QĐ-UBND ngày 18/8/2025 của UBND TP. Đà Nẵng",
    ),
]

# The bloc's members after the merger: the boards of the provinces that
# remain (the demo's 2026 year).
TN_DHMT_MEMBERS_2026 = [
    "KCNC-KCN Đà Nẵng",
    "KKT mở Chu Lai",
    "KCN Đắk Lắk",
    "KKT Gia Lai",
    "KKT Vân Phong",
    "KCN Lâm Đồng",
    "KKT Dung Quất",
]


def load(*, stdout) -> None:
    boards = {b.short_name: b for b in Board.objects.all()}
    for short, name, province, day, inferred, source in RENAMES:
        board = boards[short]
        if board.past_names.filter(valid_until=day - dt.timedelta(days=1)).exists():
            continue  # renamed on an earlier load
        services.board_rename(
            board=board,
            name=name,
            short_name=short,
            province=province,
            valid_from=day,
            inferred=inferred,
            source=source,
            actor=None,
        )
    for predecessor, successor, day, kind, source in SUCCESSIONS:
        services.board_succession_record(
            predecessor=boards[predecessor],
            successor=boards[successor],
            date=day,
            kind=kind,
            source=source,
            actor=None,
        )
    stdout.write(
        f"The 2025 merger: {len(SUCCESSIONS)} successions, {len(RENAMES)} renames."
    )
