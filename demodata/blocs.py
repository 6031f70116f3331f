"""Demo data from the five seed reports in ``shared/seeds``.

Every bloc, board, membership, head and deputy below is named by a seed report
unless ``confirmed`` is off: where a report gives only a count, the rest of
the members are completed from the region's provinces and marked so.
Loading is idempotent: each row is found by its natural key and updated.
"""

import datetime as dt

from django.contrib.auth.hashers import check_password

from blocs import services, two_factor
from blocs.models import BlocYear, Board, Membership, User

KCN, KCX, KKT, KCNC = "kcn", "kcx", "kkt", "kcnc"
MEMBER, HEAD, DEPUTY = (
    Membership.Role.MEMBER,
    Membership.Role.HEAD,
    Membership.Role.DEPUTY,
)
S = BlocYear.Status

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105  usable only with DEBUG on
# The demo administrator's authenticator key (superusers must pass a second
# factor): documented in the README and printed by `make run`, to add to an
# authenticator app or compute codes from (base32 of b"demo-portal-2026-2fa").
DEMO_TOTP_SECRET = "MRSW23ZNOBXXE5DBNQWTEMBSGYWTEZTB"  # noqa: S105

MINISTRIES = [
    {
        "short_name": "BKHĐT",
        "name": "Bộ Kế hoạch và Đầu tư",
        "valid_from": dt.date(1995, 11, 1),
        "valid_until": dt.date(2025, 2, 28),
        # Seed 001 names it so (2019).
        "emulation_department": "Vụ Thi đua - Khen thưởng và Truyền thông",
    },
    {
        "short_name": "BTC",
        "name": "Bộ Tài chính",
        "valid_from": dt.date(2025, 3, 1),
        "valid_until": None,
        "emulation_department": "Vụ Thi đua - Khen thưởng",
    },
]

# The people the seeds name, each in office on the day the seed reports
# (from and to that day: the seeds say nothing of their terms). Documents
# print whoever held a post on their date; nobody else is invented, so a
# document needing a person the seeds do not name stays a draft.
# (full name, title, position, board short name, ministry, body, day, source)
OFFICIALS = [
    (
        "Nguyễn Trọng Hoàng",
        "Trưởng ban",
        "head",
        "KKT Vân Phong",
        None,
        "",
        dt.date(2023, 12, 28),
        "seed 004: Khối trưởng 2023, đồng chủ trì Hội nghị",
    ),
    (
        "Hà Hoàng Việt Phương",
        "Trưởng ban",
        "head",
        "KKT Dung Quất",
        None,
        "",
        dt.date(2023, 12, 28),
        "seed 004: Khối phó 2023, đồng chủ trì Hội nghị",
    ),
    (
        "Lương Trọng Nguyên",
        "Phó Trưởng ban",
        "deputy",
        "KKT Dung Quất",
        None,
        "",
        dt.date(2023, 12, 28),
        "seed 004",
    ),
    (
        "Phan Viết Hùng",
        "Phó Trưởng ban",
        "deputy",
        "KKT Bình Định",
        None,
        "",
        dt.date(2023, 12, 28),
        "seed 004",
    ),
    (
        "Trần Hoàng Tuấn",
        "Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch thường trực UBND tỉnh Quảng Ngãi",
        "other",
        None,
        None,
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
        dt.date(2023, 12, 28),
        "seed 004: khách mời",
    ),
    (
        "Hoàng Đức Long",
        "Trưởng ban",
        "head",
        "KCN Ninh Bình",
        None,
        "",
        dt.date(2019, 1, 11),
        "seed 001: Khối trưởng 2018",
    ),
    (
        "Vũ Mạnh Hùng",
        "Phó Vụ trưởng",
        "deputy",
        None,
        "BKHĐT",
        "Vụ Thi đua - Khen thưởng và Truyền thông",
        dt.date(2019, 1, 11),
        "seed 001",
    ),
    (
        "Nguyễn Ngọc Thạch",
        "Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh Ninh Bình",
        "other",
        None,
        None,
        "Ủy ban nhân dân tỉnh Ninh Bình",
        dt.date(2019, 1, 11),
        "seed 001: khách mời",
    ),
    (
        "Phạm Văn Tịch",
        "Trưởng ban",
        "head",
        "KCN Đắk Lắk",
        None,
        "",
        dt.date(2019, 5, 4),
        "seed 003: Khối trưởng 2019",
    ),
]

# (short name, official name, province, zone kinds, note)
BOARDS = [
    # Tây Nguyên và Duyên hải miền Trung (seed 003 lists all eleven).
    (
        "KKT Bình Định",
        "Ban Quản lý Khu kinh tế tỉnh Bình Định",
        "Bình Định",
        [KKT, KCN],
        "",
    ),
    (
        "KCNC-KCN Đà Nẵng",
        "Ban Quản lý Khu công nghệ cao và các Khu công nghiệp Đà Nẵng",
        "Đà Nẵng",
        [KCNC, KCN],
        "Thành lập năm 2018 trên cơ sở hợp nhất BQL các KCN và chế xuất Đà Nẵng "
        "và BQL Khu công nghệ cao Đà Nẵng.",
    ),
    (
        "KCN Đắk Lắk",
        "Ban Quản lý các Khu công nghiệp tỉnh Đắk Lắk",
        "Đắk Lắk",
        [KCN],
        "",
    ),
    (
        "KCN Đắk Nông",
        "Ban Quản lý các Khu công nghiệp tỉnh Đắk Nông",
        "Đắk Nông",
        [KCN],
        "",
    ),
    ("KKT Gia Lai", "Ban Quản lý Khu kinh tế tỉnh Gia Lai", "Gia Lai", [KKT, KCN], ""),
    (
        "KKT Vân Phong",
        "Ban Quản lý Khu kinh tế Vân Phong tỉnh Khánh Hòa",
        "Khánh Hòa",
        [KKT, KCN],
        "",
    ),
    ("KKT Kon Tum", "Ban Quản lý Khu kinh tế tỉnh Kon Tum", "Kon Tum", [KKT, KCN], ""),
    (
        "KCN Lâm Đồng",
        "Ban Quản lý các Khu công nghiệp tỉnh Lâm Đồng",
        "Lâm Đồng",
        [KCN],
        "",
    ),
    ("KKT Phú Yên", "Ban Quản lý Khu kinh tế tỉnh Phú Yên", "Phú Yên", [KKT, KCN], ""),
    (
        "KKT mở Chu Lai",
        "Ban Quản lý Khu kinh tế mở Chu Lai tỉnh Quảng Nam",
        "Quảng Nam",
        [KKT, KCN],
        "",
    ),
    (
        "KKT Dung Quất",
        "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp tỉnh Quảng Ngãi",
        "Quảng Ngãi",
        [KKT, KCN],
        "",
    ),
    # Duyên hải miền Trung 2016 (seed 000): the two Đà Nẵng boards before 2018.
    (
        "KCN-KCX Đà Nẵng",
        "Ban Quản lý các Khu công nghiệp và chế xuất Đà Nẵng",
        "Đà Nẵng",
        [KCN, KCX],
        "Năm 2018 hợp nhất vào BQL Khu công nghệ cao và các KCN Đà Nẵng.",
    ),
    (
        "KCNC Đà Nẵng",
        "Ban Quản lý Khu công nghệ cao Đà Nẵng",
        "Đà Nẵng",
        [KCNC],
        "Năm 2018 hợp nhất vào BQL Khu công nghệ cao và các KCN Đà Nẵng.",
    ),
    # Đồng bằng sông Hồng (seed 001 names three of eleven).
    (
        "KCN Ninh Bình",
        "Ban Quản lý các Khu công nghiệp tỉnh Ninh Bình",
        "Ninh Bình",
        [KCN],
        "",
    ),
    (
        "KCN Hải Dương",
        "Ban Quản lý các Khu công nghiệp tỉnh Hải Dương",
        "Hải Dương",
        [KCN],
        "",
    ),
    (
        "KKT Quảng Ninh",
        "Ban Quản lý Khu kinh tế Quảng Ninh",
        "Quảng Ninh",
        [KKT, KCN],
        "",
    ),
    (
        "KCN-KCX Hà Nội",
        "Ban Quản lý các Khu công nghiệp và chế xuất Hà Nội",
        "Hà Nội",
        [KCN, KCX],
        "",
    ),
    ("KKT Hải Phòng", "Ban Quản lý Khu kinh tế Hải Phòng", "Hải Phòng", [KKT, KCN], ""),
    (
        "KCN Vĩnh Phúc",
        "Ban Quản lý các Khu công nghiệp tỉnh Vĩnh Phúc",
        "Vĩnh Phúc",
        [KCN],
        "",
    ),
    (
        "KCN Bắc Ninh",
        "Ban Quản lý các Khu công nghiệp tỉnh Bắc Ninh",
        "Bắc Ninh",
        [KCN],
        "",
    ),
    (
        "KCN Hưng Yên",
        "Ban Quản lý các Khu công nghiệp tỉnh Hưng Yên",
        "Hưng Yên",
        [KCN],
        "",
    ),
    (
        "KCN Thái Bình",
        "Ban Quản lý các Khu công nghiệp tỉnh Thái Bình",
        "Thái Bình",
        [KCN],
        "",
    ),
    ("KCN Hà Nam", "Ban Quản lý các Khu công nghiệp tỉnh Hà Nam", "Hà Nam", [KCN], ""),
    (
        "KCN Nam Định",
        "Ban Quản lý các Khu công nghiệp tỉnh Nam Định",
        "Nam Định",
        [KCN],
        "",
    ),
    # Trung du miền núi phía Bắc (seed 002 names all seven).
    (
        "KCN Hòa Bình",
        "Ban Quản lý các Khu công nghiệp tỉnh Hòa Bình",
        "Hòa Bình",
        [KCN],
        "",
    ),
    (
        "KCN Bắc Giang",
        "Ban Quản lý các Khu công nghiệp tỉnh Bắc Giang",
        "Bắc Giang",
        [KCN],
        "",
    ),
    (
        "KCN Thái Nguyên",
        "Ban Quản lý các Khu công nghiệp tỉnh Thái Nguyên",
        "Thái Nguyên",
        [KCN],
        "",
    ),
    (
        "KCN Tuyên Quang",
        "Ban Quản lý các Khu công nghiệp tỉnh Tuyên Quang",
        "Tuyên Quang",
        [KCN],
        "",
    ),
    (
        "KCN Yên Bái",
        "Ban Quản lý các Khu công nghiệp tỉnh Yên Bái",
        "Yên Bái",
        [KCN],
        "",
    ),
    (
        "KCN Phú Thọ",
        "Ban Quản lý các Khu công nghiệp tỉnh Phú Thọ",
        "Phú Thọ",
        [KCN],
        "",
    ),
    (
        "KCN Bắc Kạn",
        "Ban Quản lý các Khu công nghiệp tỉnh Bắc Kạn",
        "Bắc Kạn",
        [KCN],
        "",
    ),
]

TN_DHMT = "TN-DHMT"
DHMT = "DHMT"
TN = "TN"
DBSH = "ĐBSH"
TDMNPB = "TDMNPB"

# (short name, name, kind, region, ministry, merged into, note)
BLOCS = [
    (
        TN_DHMT,
        "Khối thi đua Ban Quản lý KCN, KKT, KCNC các tỉnh Tây Nguyên và "
        "Duyên hải miền Trung",
        "bloc",
        "Tây Nguyên và Duyên hải miền Trung",
        "BTC",
        None,
        "Hợp nhất từ hai khối thi đua năm 2019 theo Thông tư số 07/2018/TT-BKHĐT.",
    ),
    (
        DHMT,
        "Cụm thi đua Ban Quản lý các KCN, KCX, KKT Duyên hải miền Trung",
        "cluster",
        "Duyên hải miền Trung",
        "BKHĐT",
        TN_DHMT,
        "Năm 2019 hợp nhất vào Khối thi đua các tỉnh Tây Nguyên và "
        "Duyên hải miền Trung.",
    ),
    (
        TN,
        "Khối thi đua Ban Quản lý các KCN, KKT các tỉnh Tây Nguyên",
        "bloc",
        "Tây Nguyên",
        "BKHĐT",
        TN_DHMT,
        "Tên suy ra: nguồn chỉ ghi hai khối hợp nhất năm 2019.",
    ),
    (
        DBSH,
        "Khối thi đua Ban Quản lý các KCN, KCX, KKT các tỉnh Đồng bằng sông Hồng",
        "bloc",
        "Đồng bằng sông Hồng",
        "BTC",
        None,
        "",
    ),
    (
        TDMNPB,
        "Khối thi đua Ban Quản lý các KCN các tỉnh Trung du miền núi phía Bắc",
        "bloc",
        "Trung du và miền núi phía Bắc",
        "BTC",
        None,
        "",
    ),
]

TN_DHMT_MEMBERS = [
    "KKT Bình Định",
    "KCNC-KCN Đà Nẵng",
    "KCN Đắk Lắk",
    "KCN Đắk Nông",
    "KKT Gia Lai",
    "KKT Vân Phong",
    "KKT Kon Tum",
    "KCN Lâm Đồng",
    "KKT Phú Yên",
    "KKT mở Chu Lai",
    "KKT Dung Quất",
]
DBSH_NAMED = ["KCN Ninh Bình", "KCN Hải Dương", "KKT Quảng Ninh"]
DBSH_INFERRED = [
    "KCN-KCX Hà Nội",
    "KKT Hải Phòng",
    "KCN Vĩnh Phúc",
    "KCN Bắc Ninh",
    "KCN Hưng Yên",
    "KCN Thái Bình",
    "KCN Hà Nam",
    "KCN Nam Định",
]
TDMNPB_MEMBERS = [
    "KCN Hòa Bình",
    "KCN Bắc Giang",
    "KCN Thái Nguyên",
    "KCN Tuyên Quang",
    "KCN Yên Bái",
    "KCN Phú Thọ",
    "KCN Bắc Kạn",
]

# Each bloc-year: bloc, year, status, head, deputy, host, conference (start,
# end, place), named members, inferred members, source, note. A year followed
# by a later one in the seeds is closed; a bloc's latest year stays at the
# stage its seed records (the pledge was signed). A year with "closed_by" gets
# its figures, scores, votes and documents from that module, through the
# services, which refuse changes to a closed year: this module leaves such a
# year at its first stage when it creates it, and that module closes it.
BLOC_YEARS = [
    {
        "bloc": DHMT,
        "year": 2016,
        "status": S.CLOSED,
        "closed_by": "reports.demo",
        "head": "KKT Vân Phong",
        "deputy": "KKT mở Chu Lai",
        "host": "KKT mở Chu Lai",
        "conference": (dt.date(2017, 2, 23), dt.date(2017, 2, 24), "Quảng Nam"),
        "named": ["KKT Vân Phong", "KKT mở Chu Lai", "KCN-KCX Đà Nẵng"],
        "inferred": ["KKT Dung Quất", "KKT Bình Định", "KKT Phú Yên", "KCNC Đà Nẵng"],
        "source": "seed 000",
        "note": "07 đơn vị thành viên từ Khánh Hòa đến Đà Nẵng; suy tôn 03 đơn vị "
        "dẫn đầu: BQL KKT Vân Phong, BQL KKT mở Chu Lai, BQL các KCN và KCX Đà Nẵng."
        "\nSố liệu minh họa: tổng của Cụm lấy đúng theo nguồn; số liệu "
        "từng đơn vị, số dự án FDI/DDI và chỉ tiêu giao ước là minh họa; 04 đơn vị "
        "thành viên do nguồn không nêu tên được suy ra.",
    },
    {
        "bloc": DBSH,
        "year": 2018,
        "status": S.CLOSED,
        "head": "KCN Ninh Bình",
        "deputy": None,
        "host": "KCN Ninh Bình",
        "conference": (dt.date(2019, 1, 11), None, "Ninh Bình"),
        "named": DBSH_NAMED,
        "inferred": DBSH_INFERRED,
        "source": "seed 001",
        "note": "",
    },
    {
        "bloc": DBSH,
        "year": 2019,
        "status": S.PLEDGE,
        "head": "KCN Hải Dương",
        "deputy": "KKT Quảng Ninh",
        "host": None,
        "conference": (None, None, ""),
        "named": DBSH_NAMED,
        "inferred": DBSH_INFERRED,
        "source": "seed 001",
        "note": "Khối trưởng, Khối phó được bầu tại Hội nghị tổng kết năm 2018.",
    },
    {
        "bloc": TN_DHMT,
        "year": 2019,
        "status": S.CLOSED,
        "head": "KCN Đắk Lắk",
        "deputy": None,
        "host": "KCN Đắk Lắk",
        "conference": (None, None, ""),
        "named": TN_DHMT_MEMBERS,
        "inferred": [],
        "source": "seed 003",
        "note": "Năm đầu tiên sau hợp nhất; ký kết Giao ước thi đua ngày 04/5/2019 tại "
        "Ban Quản lý các KCN tỉnh Đắk Lắk.",
    },
    {
        "bloc": TDMNPB,
        "year": 2022,
        "status": S.CLOSED,
        "head": "KCN Yên Bái",
        "deputy": "KCN Thái Nguyên",
        "host": "KCN Yên Bái",
        "conference": (dt.date(2023, 1, 6), None, "Thành phố Yên Bái"),
        "named": TDMNPB_MEMBERS,
        "inferred": [],
        "source": "seed 002",
        "note": "",
    },
    {
        "bloc": TDMNPB,
        "year": 2023,
        "status": S.PLEDGE,
        "head": "KCN Thái Nguyên",
        "deputy": "KCN Tuyên Quang",
        "host": None,
        "conference": (None, None, ""),
        "named": TDMNPB_MEMBERS,
        "inferred": [],
        "source": "seed 002",
        "note": "",
    },
    {
        "bloc": TN_DHMT,
        "year": 2023,
        "status": S.CLOSED,
        "closed_by": "reports.demo",
        "head": "KKT Vân Phong",
        "deputy": "KKT Dung Quất",
        "host": "KKT Dung Quất",
        "conference": (
            dt.date(2023, 12, 28),
            None,
            "Khách sạn Cẩm Thành, thành phố Quảng Ngãi",
        ),
        "named": TN_DHMT_MEMBERS,
        "inferred": [],
        "source": "seed 004",
        "note": "Kết quả bình xét theo nguồn: dẫn đầu BQL KKT Dung Quất và các KCN "
        "Quảng Ngãi, BQL KKT tỉnh Gia Lai; xuất sắc BQL KKT Bình Định, BQL KKT Vân "
        "Phong, BQL các KCN tỉnh Đắk Lắk."
        "\nSố liệu minh họa: kết quả bình xét và bầu Khối trưởng, Khối phó (100%) "
        "theo nguồn; số liệu chỉ tiêu, điểm và số phiếu bình xét của "
        "từng đơn vị là minh họa.",
    },
    {
        "bloc": TN_DHMT,
        "year": 2024,
        "status": S.PLEDGE,
        "head": "KKT Dung Quất",
        "deputy": "KKT Kon Tum",
        "host": None,
        "conference": (None, None, ""),
        "named": TN_DHMT_MEMBERS,
        "inferred": [],
        "source": "seed 004",
        "note": "Khối trưởng, Khối phó được bầu với 100% phiếu ngày 28/12/2023.",
    },
]

# (username, full name, role, bloc short name, board short name)
USERS = [
    ("admin", "Quản trị hệ thống", "", None, None),
    ("khoitruong", "Văn phòng Khối trưởng TN-DHMT", "secretariat", TN_DHMT, None),
    ("khoitruong.dbsh", "Văn phòng Khối trưởng ĐBSH", "secretariat", DBSH, None),
    (
        "bql.dungquat",
        "Cán bộ BQL KKT Dung Quất",
        "board_officer",
        None,
        "KKT Dung Quất",
    ),
    ("bql.gialai", "Cán bộ BQL KKT Gia Lai", "board_officer", None, "KKT Gia Lai"),
    ("vu.tdkt", "Vụ Thi đua - Khen thưởng", "ministry_viewer", None, None),
]

# One officer for each other board of the two years that reports/demo.py fills
# (seeds 000 and 004), to sign the pledge and submit the board's figures as
# the services require. They have no password: nobody logs in as them.
BOARD_OFFICERS = [
    ("bql.binhdinh", "KKT Bình Định"),
    ("bql.danang", "KCNC-KCN Đà Nẵng"),
    ("bql.daklak", "KCN Đắk Lắk"),
    ("bql.daknong", "KCN Đắk Nông"),
    ("bql.vanphong", "KKT Vân Phong"),
    ("bql.kontum", "KKT Kon Tum"),
    ("bql.lamdong", "KCN Lâm Đồng"),
    ("bql.phuyen", "KKT Phú Yên"),
    ("bql.chulai", "KKT mở Chu Lai"),
    ("bql.kcn-kcx-danang", "KCN-KCX Đà Nẵng"),
    ("bql.kcnc-danang", "KCNC Đà Nẵng"),
]


def load(*, stdout) -> None:
    ministries = {m["short_name"]: services.ministry_upsert(**m) for m in MINISTRIES}
    boards = {}
    renamed = set(
        Board.objects.filter(past_names__isnull=False).values_list(
            "short_name", flat=True
        )
    )
    for short, name, province, kinds, note in BOARDS:
        # A board renamed since (demodata.merger) keeps its new name.
        named = {} if short in renamed else {"name": name, "province": province}
        boards[short] = services.board_upsert(
            short_name=short,
            **named,
            note=note,
            **{f"manages_{k}": k in kinds for k in (KCN, KCX, KKT, KCNC)},
        )
    blocs = {}
    for short, name, kind, region, ministry, _merged, note in BLOCS:
        blocs[short] = services.bloc_upsert(
            short_name=short,
            name=name,
            kind=kind,
            region=region,
            ministry=ministries[ministry],
            note=note,
        )
    for short, *_rest, merged, _note in BLOCS:
        if merged:
            services.bloc_upsert(short_name=short, merged_into=blocs[merged])
    for spec in BLOC_YEARS:
        _load_bloc_year(spec, blocs, boards)
    for name, title, position, board, ministry, body, day, source in OFFICIALS:
        services.official_upsert(
            full_name=name,
            title=title,
            position=position,
            board=boards[board] if board else None,
            ministry=ministries[ministry] if ministry else None,
            department=body,
            valid_from=day,
            valid_until=day,
            source=source,
        )
    _load_users(blocs, boards, stdout)


def _load_bloc_year(spec, blocs, boards) -> None:
    start, end, place = spec["conference"]
    bloc_year = services.bloc_year_upsert(
        bloc=blocs[spec["bloc"]],
        year=spec["year"],
        host=boards[spec["host"]] if spec["host"] else None,
        conference_date=start,
        conference_end_date=end,
        conference_place=place,
        note=spec["note"],
        # Entered from the seeds through the services, with the dates they
        # bore (signatures, reports): recorded after the fact, and marked so.
        recorded_after_fact=bool(spec.get("closed_by")),
    )
    roles = {spec["head"]: HEAD, spec["deputy"]: DEPUTY}
    for short in spec["named"] + spec["inferred"]:
        services.membership_set(
            bloc_year=bloc_year,
            board=boards[short],
            role=roles.get(short, MEMBER),
            confirmed=short in spec["named"] or short in roles,
            source=spec["source"],
        )
    if spec.get("closed_by"):
        return  # its stage is that module's business (see BLOC_YEARS)
    # The stage is set last: a closed year takes no more changes.
    services.bloc_year_upsert(
        bloc=bloc_year.bloc, year=bloc_year.year, status=spec["status"]
    )


def _load_users(blocs, boards, stdout) -> None:
    stdout.write("Demo logins (usable only while DEBUG is on):")
    for username, full_name, role, bloc, board in USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name = full_name
        user.is_demo = True
        user.is_superuser = username == "admin"
        user.is_staff = user.is_superuser
        # Re-hashing would change the row on every run; keep it when it matches.
        if not check_password(DEMO_PASSWORD, user.password):
            user.set_password(DEMO_PASSWORD)
        user.save()
        services.user_set_role(
            user=user,
            role=role,
            bloc=blocs.get(bloc),
            board=boards.get(board),
        )
        stdout.write(f"  {username:<18} {DEMO_PASSWORD}  ({user.get_role_display()})")
        if user.is_superuser:
            two_factor.totp_device_set(user=user, secret=DEMO_TOTP_SECRET)
            stdout.write(
                f"  {'':<18} two-factor key {DEMO_TOTP_SECRET} (TOTP, 6 digits, "
                "30 s: add it to an authenticator app)"
            )
    for username, board in BOARD_OFFICERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=f"Cán bộ BQL {board}")
            user.is_demo = True
            user.set_unusable_password()
            user.save()
        services.user_set_role(
            user=user, role=User.Role.BOARD_OFFICER, board=boards[board]
        )
