"""Factories that build state through the services, as the portal itself does."""

import datetime as dt
import itertools

from blocs import services
from blocs.models import Bloc, BlocYear, Board, Membership, Ministry, Official, User

_seq = itertools.count(1)


def ministry(**fields) -> Ministry:
    n = next(_seq)
    defaults = {
        "short_name": f"BO{n}",
        "name": f"Bộ thử nghiệm {n}",
        "valid_from": dt.date(2000, 1, 1),
    }
    return services.ministry_upsert(**(defaults | fields))


def bloc(**fields) -> Bloc:
    n = next(_seq)
    defaults = {
        "short_name": f"K{n}",
        "name": f"Khối thi đua thử nghiệm {n}",
        "region": "Miền Trung",
    }
    if "ministry" not in fields:
        defaults["ministry"] = ministry()
    return services.bloc_upsert(**(defaults | fields))


def board(*, head: str | None = "", **fields) -> Board:
    """A board with a head in office since 2000 (documents print their
    signatures); ``head=None``: no head recorded."""
    n = next(_seq)
    defaults = {
        "short_name": f"BQL {n}",
        "name": f"Ban Quản lý các Khu công nghiệp thử nghiệm {n}",
        "province": f"Tỉnh {n}",
        "manages_kcn": True,
    }
    b = services.board_upsert(**(defaults | fields))
    if head is not None:
        official(board=b, full_name=head or f"Trần Văn Thử {n}")
    return b


def official(*, board: Board, full_name: str, **fields) -> Official:
    defaults = {"title": "Trưởng ban", "valid_from": dt.date(2000, 1, 1)}
    return services.official_upsert(
        board=board, full_name=full_name, **(defaults | fields)
    )


def bloc_year(*, bloc=None, year=2023, members=(), head=None, deputy=None, status=None):
    """A bloc-year with the given member boards; head and deputy among them."""
    by = services.bloc_year_upsert(bloc=bloc or globals()["bloc"](), year=year)
    roles = {head: Membership.Role.HEAD, deputy: Membership.Role.DEPUTY}
    for b in members:
        services.membership_set(
            bloc_year=by, board=b, role=roles.get(b, Membership.Role.MEMBER)
        )
    if status is not None:
        by = services.bloc_year_upsert(bloc=by.bloc, year=by.year, status=status)
    return by


def user(*, role: str = "", bloc=None, board=None, superuser=False, **fields) -> User:
    n = next(_seq)
    u = User(username=fields.pop("username", f"user{n}"), **fields)
    u.is_superuser = superuser
    u.is_staff = superuser
    u.set_password("pw-for-tests-only")
    u.save()
    return services.user_set_role(user=u, role=role, bloc=bloc, board=board)


CLOSED = BlocYear.Status.CLOSED


SECTIONS = {
    "results": "Các đơn vị hoàn thành kế hoạch năm.",
    "shortcomings": "Một số báo cáo nộp chậm.",
    "lessons": "Trao đổi kinh nghiệm thường xuyên.",
    "directions": "Tiếp tục đẩy mạnh phong trào thi đua.",
    "start_time": dt.time(8, 0),
    "end_time": dt.time(11, 0),
    "participants": "Lãnh đạo các đơn vị thành viên",
    "secretary": "Lê Thị Thư Ký",
    "counting_team": "Nguyễn Văn Kiểm, Trưởng ban kiểm phiếu",
    "discussion": "Các đơn vị thảo luận.",
}


def sections(bloc_year: BlocYear, **fields):
    """Every section the secretariat writes, so that documents can publish."""
    from reports import services as report_services

    return report_services.sections_save(
        bloc_year=bloc_year, actor=None, **(SECTIONS | fields)
    )


def scores_ready(bloc_year: BlocYear) -> None:
    """The year's scores, as the secretariat makes them before any vote:
    its scale created if need be and frozen (which computes the scores)."""
    from scoring import services as scoring
    from scoring.models import ScoringScale

    scale = ScoringScale.objects.filter(bloc_year=bloc_year).first()
    if scale is None:
        scale = scoring.scale_create(bloc_year=bloc_year, actor=None)
    if scale.status == ScoringScale.Status.DRAFT:
        scoring.scale_freeze(scale=scale, actor=None)


def round_open(*, voting_round, actor=None):
    """Open a round the way the year reaches it: scores first (a round cannot
    open before them), then the opening itself."""
    from scoring import services as scoring

    scores_ready(voting_round.bloc_year)
    return scoring.round_open(voting_round=voting_round, actor=actor)


def at_stage(bloc_year: BlocYear, status: str) -> BlocYear:
    """The year put at ``status`` directly, for tests about what a stage
    allows (documents publish from theirs), not about how a year gets there."""
    return services.bloc_year_upsert(
        bloc=bloc_year.bloc, year=bloc_year.year, status=status
    )
