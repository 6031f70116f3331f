"""Demo of the year-end documents: two whole years, closed and published.

- 2023 of the Tây Nguyên và Duyên hải miền Trung bloc (seeds 003/004): the
  outcome is seed 004's (the ministry's flag: Dung Quất, Gia Lai; the certificate: Bình
  Định, Vân Phong, Đắk Lắk; 2024 head Dung Quất with 100% of the votes,
  deputy Kon Tum). The seed publishes no board's figures, scores or vote
  counts (but the 100% election), so those are illustrative.
- 2016 of seed 000's Duyên hải miền Trung cluster: the cluster's published
  totals are exact (132 new projects; 2.470,7 million USD registered against
  a plan of 1.016,87, 242,97%; ...), split across its seven members as an
  illustration; the three leading units it acclaimed are a closed round.

``blocs.demo`` creates both years at their first stage (``"closed_by":
"reports.demo"``); this module takes each through its cycle with the
services, as the secretariat and the boards' officers would (pledge, signed;
submissions, approved; scale and scores; rounds counted on paper), closes it
and publishes its four documents once. Every value entered carries a note
saying it is illustrative, and so does each year's note. A closed year is
left alone, so a second run changes nothing.
"""

import datetime as dt
from decimal import Decimal as D

from django.core.exceptions import ValidationError
from django.utils import timezone

from blocs import services as bloc_services
from blocs.awards import AWARD_CODES, nomination_title
from blocs.hooks import stage_missing
from blocs.models import BlocYear, Board, User
from demodata.blocs import DHMT, TN_DHMT
from pledges import services as pledges
from pledges.models import Pledge, Submission
from reports import services
from reports.models import Publication
from scoring import services as scoring
from scoring.models import Assessment, ScoringScale, VotingRound

S = BlocYear.Status
KINDS = [k.value for k in Publication.Kind]
NOTE = "Số liệu minh họa: nguồn không công bố số liệu của từng đơn vị."
SEED_GAPS = (
    "Năm minh họa dựng lại từ nguồn công bố; nguồn không ghi đủ các bước của năm."
)
NOTE_2016 = (
    "Số liệu minh họa: nguồn chỉ công bố tổng của Cụm; "
    "tổng của 07 đơn vị đúng bằng tổng đó."
)

# Seed 004, 2023: per board (plan, actual) of new projects with the FDI ones,
# FDI capital (million USD), DDI capital and production value and budget
# (billion VND), export (million USD); the first five meet every plan.
FIGURES_2023 = {
    "KKT Dung Quất": {
        "new-projects": (10, 14, 4),
        "new-capital-usd": ("300", "420.5"),
        "new-capital-vnd": ("15000", "21350"),
        "production-value": ("150000", "168200"),
        "export": ("1000", "1300"),
        "budget": ("20000", "23400"),
    },
    "KKT Gia Lai": {
        "new-projects": (8, 11, 1),
        "new-capital-usd": ("10", "12"),
        "new-capital-vnd": ("3000", "4150.5"),
        "production-value": ("8000", "9120"),
        "export": ("200", "250"),
        "budget": ("300", "345"),
    },
    "KKT Bình Định": {
        "new-projects": (12, 14, 3),
        "new-capital-usd": ("100", "131.2"),
        "new-capital-vnd": ("6000", "7420"),
        "production-value": ("25000", "27300"),
        "export": ("900", "1000"),
        "budget": ("1500", "1620"),
    },
    "KKT Vân Phong": {
        "new-projects": (10, 11, 3),
        "new-capital-usd": ("200", "236.4"),
        "new-capital-vnd": ("8000", "9100"),
        "production-value": ("30000", "31800"),
        "export": ("500", "560"),
        "budget": ("2500", "2710"),
    },
    "KCN Đắk Lắk": {
        "new-projects": (6, 7, 0),
        "new-capital-usd": ("5", "5.5"),
        "new-capital-vnd": ("2500", "2780"),
        "production-value": ("6000", "6350"),
        "export": ("150", "160"),
        "budget": ("250", "262"),
    },
    "KKT Kon Tum": {
        "new-projects": (5, 5, 0),
        "new-capital-usd": ("5", "5"),
        "new-capital-vnd": ("1500", "1500"),
        "production-value": ("2000", "2000"),
        "export": ("80", "80"),
        "budget": ("120", "120"),
    },
    "KCNC-KCN Đà Nẵng": {
        "new-projects": (20, 19, 12),
        "new-capital-usd": ("500", "470"),
        "new-capital-vnd": ("5000", "4820"),
        "production-value": ("60000", "58200"),
        "export": ("2000", "1900"),
        "budget": ("3000", "2950"),
    },
    "KKT mở Chu Lai": {
        "new-projects": (12, 11, 4),
        "new-capital-usd": ("150", "140"),
        "new-capital-vnd": ("7000", "6600"),
        "production-value": ("90000", "86000"),
        "export": ("700", "650"),
        "budget": ("9000", "8700"),
    },
    "KKT Phú Yên": {
        "new-projects": (6, 5, 1),
        "new-capital-usd": ("30", "25"),
        "new-capital-vnd": ("2000", "1800"),
        "production-value": ("7000", "6700"),
        "export": ("120", "100"),
        "budget": ("400", "380"),
    },
    "KCN Lâm Đồng": {
        "new-projects": (5, 4, 1),
        "new-capital-usd": ("20", "16"),
        "new-capital-vnd": ("1500", "1300"),
        "production-value": ("5000", "4600"),
        "export": ("90", "70"),
        "budget": ("200", "185"),
    },
    "KCN Đắk Nông": {
        "new-projects": (4, 3, 0),
        "new-capital-usd": ("5", "3"),
        "new-capital-vnd": ("1000", "700"),
        "production-value": ("2000", "1700"),
        "export": ("60", "40"),
        "budget": ("100", "85"),
    },
}
# Tasks done (1) or not (0): every board but one that reported late.
TASKS_2023 = {"task-licensing": 1, "task-reform": 1, "task-reporting": 1}
LATE_2023 = {"KCN Đắk Nông": {"task-reporting": 0}}
FLAG_BOARDS_2023 = {"KKT Dung Quất", "KKT Gia Lai", "KKT Bình Định", "KKT Vân Phong"}
# The bloc's own points (C1, C2 assessed; D1 bonus): they order the boards
# that meet every plan, the way the bloc's conference ranked them.
ASSESSED_2023 = {
    "KKT Dung Quất": ("8", "7", "3"),
    "KKT Gia Lai": ("8", "7", "2"),
    "KKT Bình Định": ("8", "6", "1"),
    "KKT Vân Phong": ("7", "6", "1"),
    "KCN Đắk Lắk": ("7", "6", "0"),
    "KKT Kon Tum": ("6", "5", "0"),
}
ASSESSED_DEFAULT = ("6", "5", "0")
# (kind, quota, title, paper votes): seed 004's outcome; its election counts
# (11 of 11) are the seed's, the nominations' counts illustrative.
ROUNDS_2023 = [
    (
        VotingRound.Kind.FLAG,
        2,
        nomination_title(VotingRound.Kind.FLAG, 2023) + " (số phiếu minh họa)",
        {"KKT Dung Quất": 11, "KKT Gia Lai": 9, "KKT Bình Định": 2},
    ),
    (
        VotingRound.Kind.MERIT,
        3,
        nomination_title(VotingRound.Kind.MERIT, 2023) + " (số phiếu minh họa)",
        {"KKT Bình Định": 11, "KKT Vân Phong": 11, "KCN Đắk Lắk": 8, "KKT Phú Yên": 3},
    ),
    (VotingRound.Kind.HEAD, 1, "Bầu Khối trưởng năm 2024", {"KKT Dung Quất": 11}),
    (VotingRound.Kind.DEPUTY, 1, "Bầu Khối phó năm 2024", {"KKT Kon Tum": 11}),
]

# Seed 000, 2016: the cluster's totals, exact; their split is illustrative.
# Board: new projects (of which FDI), then (plan, actual) of FDI capital
# (million USD), production value (billion VND), export (million USD) and
# budget (billion VND). No plan of new projects is published.
FIGURES_2016 = {
    "KKT Vân Phong": {
        "new-projects": (None, 30, 10),
        "new-capital-usd": ("250", "650.5"),
        "production-value": ("27000", "28500.5"),
        "export": ("300", "310.25"),
        "budget": ("3600", "4200"),
    },
    "KKT mở Chu Lai": {
        "new-projects": (None, 28, 8),
        "new-capital-usd": ("180", "420.3"),
        "production-value": ("33000", "35200"),
        "export": ("400", "420.113"),
        "budget": ("3500", "3900"),
    },
    "KCN-KCX Đà Nẵng": {
        "new-projects": (None, 25, 15),
        "new-capital-usd": ("200", "510.2"),
        "production-value": ("48000", "52300.4"),
        "export": ("820", "850.3"),
        "budget": ("5000", "5800"),
    },
    "KKT Dung Quất": {
        "new-projects": (None, 20, 5),
        "new-capital-usd": ("200", "480"),
        "production-value": ("72000", "78400"),
        "export": ("470", "480"),
        "budget": ("19800", "23000"),
    },
    "KKT Bình Định": {
        "new-projects": (None, 15, 3),
        "new-capital-usd": ("90", "210.4"),
        "production-value": ("9000", "9800"),
        "export": ("150", "150.5"),
        "budget": ("950", "1100"),
    },
    "KKT Phú Yên": {
        "new-projects": (None, 8, 1),
        "new-capital-usd": ("46.87", "95.8"),
        "production-value": ("3368", "3564"),
        "export": ("57.2", "60.5"),
        "budget": ("280", "261"),
    },
    "KCNC Đà Nẵng": {
        "new-projects": (None, 6, 4),
        "new-capital-usd": ("50", "103.5"),
        "production-value": ("2800", "3000"),
        "export": ("60", "60"),
        "budget": ("300", "300"),
    },
}
LEADING_2016 = ["KKT Vân Phong", "KKT mở Chu Lai", "KCN-KCX Đà Nẵng"]
# Seed 000 records an acclamation ("suy tôn") of three leading units proposed
# to the ministry for an award it does not name, and no vote: no round is
# invented; the proposal is written in words, as the seed does.

# What the secretariat writes for each year. Seed 004's and 000's own words
# where they have them; a text the seed does not give says it is
# illustrative. A section no seed supports is left empty, and the document
# that needs it stays a draft that says what is missing.
SECTIONS_2023 = {
    "illustrative": True,
    "results": (
        "Năm 2023, các đơn vị thành viên trong Khối thi đua đã nhận được sự quan "
        "tâm, chỉ đạo toàn diện của Tỉnh ủy, HĐND, UBND các tỉnh và đã triển khai "
        "hoàn thành tốt các nhiệm vụ chính trị được giao; nhìn chung, các đơn vị "
        "trong Khối thi đua đã hoàn thành và hoàn thành vượt mức các chỉ tiêu đăng "
        "ký từ đầu năm."
    ),
    "shortcomings": (
        "Nội dung minh họa: Hội nghị đã đánh giá những thuận lợi, khó khăn, vướng "
        "mắc trong quá trình triển khai thực hiện các phong trào thi đua; nguồn "
        "không nêu cụ thể từng tồn tại, hạn chế và nguyên nhân."
    ),
    "lessons": (
        "Các Ban Quản lý có dịp học hỏi, trao đổi kinh nghiệm lẫn nhau, góp phần "
        "thực hiện tốt chủ trương, đường lối của Đảng, chính sách, pháp luật của "
        "Nhà nước và phát triển kinh tế - xã hội, đảm bảo quốc phòng - an ninh ở "
        "mỗi địa phương, đơn vị."
    ),
    "directions": (
        "Tiếp tục đoàn kết, phát huy hơn nữa những kết quả đã đạt được; đề ra các "
        "giải pháp nhằm đẩy mạnh hơn nữa phong trào thi đua cũng như những mục "
        "tiêu, nhiệm vụ cho năm 2024 của Khối."
    ),
    "participants": (
        "Đại diện Lãnh đạo và cán bộ làm công tác thi đua, khen thưởng Ban Quản lý "
        "các KCN, KKT, KCNC các tỉnh Bình Định, Gia Lai, Đắk Lắk, Kon Tum, Lâm "
        "Đồng, Đắk Nông, Đà Nẵng, Quảng Nam, Quảng Ngãi, Phú Yên và Khánh Hòa"
    ),
    "guests": (
        "Đồng chí Trần Hoàng Tuấn, Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch "
        "thường trực UBND tỉnh Quảng Ngãi"
    ),
    "discussion": (
        "Hội nghị đã nghe Khối trưởng - Ban Quản lý KKT Vân Phong trình bày tóm tắt "
        "dự thảo Báo cáo tổng kết công tác thi đua, khen thưởng năm 2023 của Khối "
        "thi đua; đại diện Lãnh đạo các đơn vị đã tham gia thảo luận, chia sẻ những "
        "kết quả nổi bật của đơn vị mình.\n"
        "Đồng chí Nguyễn Trọng Hoàng, Trưởng ban Quản lý KKT Vân Phong chia sẻ kinh "
        "nghiệm thực hiện Nghị quyết số 55/2022/QH15 ngày 16/6/2022 của Quốc hội; "
        "đồng chí Lương Trọng Nguyên, Phó Trưởng ban Quản lý KKT Dung Quất và các "
        "KCN Quảng Ngãi báo cáo quá trình thực hiện các quy hoạch phân khu KKT Dung "
        "Quất; đồng chí Phan Viết Hùng, Phó Trưởng ban Quản lý KKT Bình Định phát "
        "biểu thảo luận."
    ),
}
ACHIEVEMENTS_2023 = (
    "Nội dung minh họa: hoàn thành và hoàn thành vượt mức các chỉ tiêu đăng ký "
    "năm 2023; số liệu của đơn vị tại Báo cáo tổng kết là số liệu minh họa."
)
SECTIONS_2016 = {
    "illustrative": True,
    "results": (
        "Năm 2016, về thu hút đầu tư, toàn Cụm đã cấp mới cho 132 dự án đầu tư với "
        "tổng vốn đăng ký 2.470,7 triệu USD, đạt 242,97% so với kế hoạch; giá trị "
        "SXCN-TM-DV đạt 210.764,9 tỷ đồng, đạt 108% so với kế hoạch (195.168 tỷ "
        "đồng); giá trị xuất khẩu đạt 2.331,663 triệu USD, đạt 103,3% so với kế "
        "hoạch; nộp ngân sách đạt 38.561 tỷ đồng, đạt 115% so với kế hoạch "
        "(33.430 tỷ đồng)."
    ),
    "directions": (
        "Năm 2017, các đơn vị thành viên phấn đấu hoàn thành tốt các chỉ tiêu đã đề "
        "ra; thường xuyên trao đổi, học hỏi kinh nghiệm về công tác quản lý nhà "
        "nước đối với các lĩnh vực được giao."
    ),
    "participants": "07 đơn vị thành viên của Cụm thi đua từ Khánh Hòa đến Đà Nẵng",
    "discussion": (
        "Các đơn vị đã thảo luận và thống nhất các chỉ tiêu chính đã đạt được trong "
        "năm 2016 của các Ban Quản lý KCN, KCX, KKT thuộc Cụm thi đua Duyên hải "
        "miền Trung."
    ),
    "proposal": (
        "Cụm thi đua đã suy tôn 03 đơn vị dẫn đầu Cụm để đề nghị Bộ Kế hoạch và Đầu "
        "tư khen thưởng, gồm: Ban Quản lý Khu kinh tế Vân Phong, Ban Quản lý Khu "
        "kinh tế mở Chu Lai và Ban Quản lý các Khu công nghiệp và chế xuất Đà Nẵng."
    ),
}


class Year:
    """What one demo year needs: its row, its acting secretariat, its boards'
    officers, figures, assessments and rounds."""

    def __init__(self, *, bloc, year, actor, figures, note, **extra):
        self.bloc_year = BlocYear.objects.select_related("bloc").get(
            bloc__short_name=bloc, year=year
        )
        self.actor = User.objects.get(username=actor)
        self.figures, self.note = figures, note
        self.tasks = extra.get("tasks", {})
        self.tasks_not_done = extra.get("tasks_not_done", {})
        self.flag_boards = extra.get("flag_boards", set())
        self.assessed = extra.get("assessed")
        self.rounds = extra.get("rounds", [])
        self.pledge_title = extra["pledge_title"]
        self.sections = extra.get("sections", {})
        self.achievements = extra.get("achievements", "")
        self.boards = {
            b.short_name: b
            for b in Board.objects.filter(
                memberships__bloc_year=self.bloc_year
            ).distinct()
        }
        self.officers = {}
        for officer in User.objects.filter(
            role=User.Role.BOARD_OFFICER, is_demo=True, board__in=self.boards.values()
        ).order_by("pk"):
            self.officers.setdefault(officer.board_id, officer)

    def refresh(self) -> None:
        self.bloc_year.refresh_from_db()


def _years() -> list[Year]:
    return [
        Year(
            bloc=TN_DHMT,
            year=2023,
            actor="khoitruong",
            figures=FIGURES_2023,
            note=NOTE,
            tasks=TASKS_2023,
            tasks_not_done=LATE_2023,
            flag_boards=FLAG_BOARDS_2023,
            assessed=ASSESSED_2023,
            rounds=ROUNDS_2023,
            pledge_title="Giao ước thi đua năm 2023",
            sections=SECTIONS_2023,
            achievements=ACHIEVEMENTS_2023,
        ),
        Year(
            bloc=DHMT,
            year=2016,
            actor="admin",
            figures=FIGURES_2016,
            note=NOTE_2016,
            pledge_title="Giao ước thi đua năm 2016",
            sections=SECTIONS_2016,
        ),
    ]


# The cycle, one step per stage; each step does only what is still missing.


def _setup(y: Year) -> None:
    pledges.indicators_copy(bloc_year=y.bloc_year, actor=y.actor)
    pledges.submissions_prepare(bloc_year=y.bloc_year, actor=y.actor)
    if not Pledge.objects.filter(bloc_year=y.bloc_year).exists():
        # No signing date or place: the seeds give neither.
        pledges.pledge_create(
            bloc_year=y.bloc_year, actor=y.actor, title=y.pledge_title
        )


def _signing_day(y: Year) -> dt.date:
    """Illustrative, and printed nowhere: when the demo's officers signed."""
    return dt.date(y.bloc_year.year, 3, 15)


def _sign(y: Year) -> None:
    pledge = Pledge.objects.get(bloc_year=y.bloc_year)
    if pledge.status == Pledge.Status.DRAFT:
        pledge = pledges.pledge_open(pledge=pledge, actor=y.actor)
    if pledge.status == Pledge.Status.OPEN:
        signed = set(pledge.signatures.values_list("board_id", flat=True))
        for board in sorted(y.boards.values(), key=lambda b: b.pk):
            if board.pk not in signed:
                pledges.pledge_sign(
                    pledge=pledge,
                    actor=y.officers[board.pk],
                    signed_at=timezone.make_aware(
                        dt.datetime.combine(_signing_day(y), dt.time(9))
                    ),
                )
        pledges.pledge_close(pledge=pledge, actor=y.actor)


def _entries(y: Year, short: str) -> dict[int, pledges.Entry]:
    indicators = {i.code: i for i in y.bloc_year.indicators.all()}
    entries = {}
    for code, figures in y.figures[short].items():
        if code == "new-projects":
            plan, actual, fdi = figures
            for c, number in (
                ("new-projects-fdi", fdi),
                ("new-projects-ddi", actual - fdi),
            ):
                entries[indicators[c].pk] = pledges.Entry(actual=D(number), note=y.note)
            plan = None if plan is None else D(plan)
            actual = D(actual)
        else:
            plan, actual = (D(n) for n in figures)
        entries[indicators[code].pk] = pledges.Entry(
            plan=plan, actual=actual, note=y.note
        )
    for code, done in (y.tasks | y.tasks_not_done.get(short, {})).items():
        entries[indicators[code].pk] = pledges.Entry(actual=D(done), note=y.note)
    return entries


def _report(y: Year) -> None:
    for sub in y.bloc_year.submissions.select_related("board").order_by("board_id"):
        if sub.status not in (Submission.Status.DRAFT, Submission.Status.RETURNED):
            continue
        short = sub.board.short_name
        pledges.submission_submit(
            submission=sub,
            actor=y.officers[sub.board_id],
            expected_version=sub.version,
            entries=_entries(y, short),
            award_target=(
                Submission.Award.FLAG
                if short in y.flag_boards
                else Submission.Award.MERIT
            ),
        )


def _review(y: Year) -> None:
    for sub in y.bloc_year.submissions.filter(
        status=Submission.Status.SUBMITTED
    ).order_by("board_id"):
        pledges.submission_approve(submission=sub, actor=y.actor)


def _score(y: Year) -> None:
    if y.assessed is None:  # seed 000 publishes no scores: none are invented
        return
    scale = ScoringScale.objects.filter(bloc_year=y.bloc_year).first()
    if scale is None:
        scale = scoring.scale_create(bloc_year=y.bloc_year, actor=y.actor)
    if scale.status == ScoringScale.Status.DRAFT:
        scale = scoring.scale_freeze(scale=scale, actor=y.actor)
    criteria = {c.code: c for c in scale.criteria.filter(code__in=["C1", "C2", "D1"])}
    done = set(
        Assessment.objects.filter(
            criterion__scale=scale, source=Assessment.Source.BLOC
        ).values_list("criterion__code", "board_id")
    )
    for short, board in sorted(y.boards.items(), key=lambda kv: kv[1].pk):
        points = y.assessed.get(short, ASSESSED_DEFAULT)
        for code, given in zip(("C1", "C2", "D1"), points, strict=True):
            if (code, board.pk) in done or code not in criteria:
                continue
            scoring.assessment_set(
                criterion=criteria[code],
                board_id=board.pk,
                source=Assessment.Source.BLOC,
                points=D(given),
                comment=NOTE,
                actor=y.actor,
            )


def _vote(y: Year) -> None:
    for kind, quota, title, votes in y.rounds:
        rounds = VotingRound.objects.filter(bloc_year=y.bloc_year, kind=kind)
        if rounds.filter(status=VotingRound.Status.CLOSED).exists():
            continue
        voting_round = rounds.filter(title=title).first() or scoring.round_create(
            bloc_year=y.bloc_year,
            kind=kind,
            actor=y.actor,
            title=title,
            quota=quota,
            max_choices=quota,
            on_paper=True,
        )
        # The vote was held at the conference (the seeds' date); the hours
        # are illustrative.
        day = y.bloc_year.conference_date
        if voting_round.status == VotingRound.Status.DRAFT:
            voting_round = scoring.round_open(
                voting_round=voting_round, actor=y.actor, opened_at=_on(day, 9)
            )
        members = len(y.boards)
        scoring.round_paper_tally(
            voting_round=voting_round,
            actor=y.actor,
            issued=members,
            valid=members,
            invalid=0,
            votes={y.boards[short].pk: n for short, n in votes.items()},
        )
        scoring.round_close(
            voting_round=voting_round, actor=y.actor, closed_at=_on(day, 10)
        )


def _on(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


STEPS = [
    (S.SETUP, _setup),
    (S.PLEDGE, _sign),
    (S.REPORTING, _report),
    (S.REVIEW, _review),
    (S.SCORING, _score),
    (S.VOTING, _vote),
]


def _complete(y: Year) -> bool:
    """Take the year to its close; False if it was closed before its data
    (a database loaded before this module existed)."""
    if y.bloc_year.status == S.CLOSED:
        return y.bloc_year.voting_rounds.filter(
            status=VotingRound.Status.CLOSED
        ).exists()
    for stage, step in STEPS:
        step(y)
        y.refresh()
        if y.bloc_year.status == stage:
            # A year rebuilt from published sources lacks steps they never
            # recorded (seed 000 gives no scores and no rounds): it moves on
            # with that said, as a secretariat would, and the audit keeps it.
            missing = stage_missing(y.bloc_year, stage)
            bloc_services.bloc_year_advance(
                bloc_year=y.bloc_year,
                actor=y.actor,
                override_reason=SEED_GAPS if missing else "",
            )
            y.refresh()
    return True


def _write(y: Year) -> None:
    """The secretariat's sections and the nominees' achievement summaries."""
    services.sections_save(bloc_year=y.bloc_year, actor=y.actor, **y.sections)
    if not y.achievements:
        return
    for round_ in y.bloc_year.voting_rounds.filter(kind__in=AWARD_CODES):
        for candidate in round_.candidates.filter(elected=True).select_related("board"):
            services.achievement_set(
                bloc_year=y.bloc_year,
                board=candidate.board,
                text=y.achievements,
                actor=y.actor,
            )


def _publish(y: Year) -> tuple[list[str], dict[str, str]]:
    """Publish each document that has everything it needs; the others stay
    drafts, with what they lack."""
    published = set(
        Publication.objects.filter(bloc_year=y.bloc_year).values_list("kind", flat=True)
    )
    done, drafts = [], {}
    for kind in KINDS:
        if kind in published:
            continue
        try:
            services.document_publish(bloc_year=y.bloc_year, kind=kind, actor=y.actor)
        except ValidationError as error:
            drafts[kind] = " ".join(error.messages)
        else:
            done.append(kind)
    return done, drafts


# The legal texts the documents cite, with the dates they were in force
# (domain.md). A document cites those in force on its date.
LEGAL_BASES = [
    (
        "Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung "
        "một số điều của Luật Thi đua, khen thưởng năm 2005 và năm 2013",
        dt.date(2004, 7, 1),
        dt.date(2023, 12, 31),
    ),
    (
        "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022",
        dt.date(2024, 1, 1),
        None,
    ),
    # In force for seed 000's 2016 documents (replaced by Decree 91/2017).
    (
        "Nghị định số 42/2010/NĐ-CP ngày 15 tháng 4 năm 2010 của Chính phủ quy định "
        "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng và Luật sửa "
        "đổi, bổ sung một số điều của Luật Thi đua, khen thưởng",
        dt.date(2010, 6, 1),
        dt.date(2017, 7, 30),
    ),
    (
        "Nghị định số 65/2014/NĐ-CP ngày 01 tháng 7 năm 2014 của Chính phủ quy định "
        "chi tiết thi hành Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen "
        "thưởng năm 2013",
        dt.date(2014, 8, 25),
        dt.date(2017, 7, 30),
    ),
    (
        "Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ quy định "
        "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
        dt.date(2017, 7, 31),
        dt.date(2023, 12, 31),
    ),
    (
        "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định "
        "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
        dt.date(2024, 1, 1),
        dt.date(2025, 6, 30),
    ),
    (
        "Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết thi hành một số "
        "điều của Luật Thi đua, khen thưởng",
        dt.date(2025, 7, 1),
        None,
    ),
    # Seed 000 cites it; Circular 07/2018/TT-BKHĐT of 27/12/2018 (seed 003)
    # took over the blocs' organisation.
    (
        "Hướng dẫn số 10004/BKHĐT-TĐKT ngày 12 tháng 12 năm 2013 của Bộ Kế hoạch và "
        "Đầu tư về tổ chức, hoạt động của Khối, Cụm, Vùng, nhóm thi đua ngành kế "
        "hoạch, đầu tư và thống kê",
        dt.date(2013, 12, 12),
        dt.date(2018, 12, 26),
    ),
]


def load(*, stdout) -> None:
    for order, (citation, start, end) in enumerate(LEGAL_BASES):
        services.legal_basis_upsert(
            citation=citation, valid_from=start, valid_until=end, order=order
        )
    for y in _years():
        if not _complete(y):
            stdout.write(
                f"{y.bloc_year} was closed before its demo data: its documents are "
                "left out. Load the demo into a new database to see them."
            )
            continue
        _write(y)
        published, drafts = _publish(y)
        stdout.write(
            f"Closed year {y.bloc_year} with its documents"
            + (f" (published now: {', '.join(published)})." if published else ".")
        )
        for kind, why in drafts.items():
            stdout.write(f"  {kind} stays a draft: {why}")
