"""Factories that build state through the services, as the portal itself does."""

import datetime as dt
import itertools

from blocs import services
from blocs.models import Bloc, BlocYear, Board, Membership, Ministry, User

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


def board(**fields) -> Board:
    n = next(_seq)
    defaults = {
        "short_name": f"BQL {n}",
        "name": f"Ban Quản lý các Khu công nghiệp thử nghiệm {n}",
        "province": f"Tỉnh {n}",
        "manages_kcn": True,
    }
    return services.board_upsert(**(defaults | fields))


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
