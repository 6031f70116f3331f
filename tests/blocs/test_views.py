"""The board page and the ministry overview: content, scope, fixed queries."""

import datetime as dt

import pytest
from django.urls import reverse

from blocs import selectors, services
from blocs.models import BlocYear
from tests import factories


def test_home_routes_each_role_to_its_place(world, client_for):
    expected = {
        "board_officer": reverse("blocs:board"),
        "ministry": reverse("reports:overview"),  # settings.MINISTRY_HOME
        "secretariat": reverse("admin:index"),
        "other_secretariat": reverse("admin:index"),
        "superuser": reverse("admin:index"),
    }
    for role, target in expected.items():
        response = client_for(world.users[role]).get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"] == target, role


def test_user_without_role_is_told_so(db, client_for):
    response = client_for(factories.user()).get(reverse("home"))
    assert response.status_code == 403
    assert "Chưa có vai trò" in response.text


def test_board_page_shows_only_own_board_years(world, client_for):
    own_board = world.own_boards[2]
    factories.bloc_year(bloc=world.other, year=2024, members=[own_board])
    response = client_for(world.users["board_officer"]).get(reverse("blocs:board"))
    assert response.status_code == 200
    text = response.text
    assert own_board.name in text
    assert world.own.name in text
    assert world.other.name in text  # the 2024 membership in the other bloc
    assert "Khối trưởng" in text
    assert world.own_boards[0].short_name in text  # head of 2023
    for board in world.other_boards:
        assert board.name not in text
    rows = response.context["memberships"]
    assert [m.year for m in rows] == [2024, 2023]


def test_board_page_refuses_other_roles(world, client_for):
    for role in ("secretariat", "ministry", "superuser"):
        response = client_for(world.users[role]).get(reverse("blocs:board"))
        assert response.status_code == 403


def test_overview_lists_every_bloc_year_with_leaders(world, client_for):
    response = client_for(world.users["ministry"]).get(reverse("blocs:overview"))
    assert response.status_code == 200
    for bloc in (world.own, world.other):
        assert bloc.name in response.text
    own = next(b for b in response.context["blocs"] if b.pk == world.own.pk)
    (year,) = own.year_list
    assert (year.head_name, year.deputy_name, year.member_count) == (
        world.own_boards[0].short_name,
        world.own_boards[1].short_name,
        3,
    )


def _grow(n_blocs: int, years: int = 3) -> None:
    minister = factories.ministry()
    for _ in range(n_blocs):
        bloc = factories.bloc(ministry=minister)
        boards = [factories.board() for _ in range(3)]
        for year in range(2020, 2020 + years):
            factories.bloc_year(
                bloc=bloc, year=year, members=boards, head=boards[0], deputy=boards[1]
            )


@pytest.mark.parametrize("size", [2, 40])
def test_overview_runs_fixed_queries(
    world, client_for, django_assert_max_num_queries, size
):
    _grow(size)
    client = client_for(world.users["ministry"])
    # session + user + blocs + prefetched years: the same at 2 or 40 blocs.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("blocs:overview"))
    assert len(response.context["blocs"]) == size + 2


@pytest.mark.parametrize("size", [1, 30])
def test_board_page_runs_fixed_queries(
    world, client_for, django_assert_max_num_queries, size
):
    board = world.own_boards[2]
    for i in range(size):
        bloc = factories.bloc()
        factories.bloc_year(bloc=bloc, year=2030 + i, members=[board])
    client = client_for(world.users["board_officer"])
    # session, user, memberships, then the link providers: pledges (pledges,
    # submissions), scoring (scales, scores, rounds), reports (publications):
    # the same with 1 or 30 years.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("blocs:board"))
    assert len(response.context["memberships"]) == size + 1


def test_ministry_cannot_change_anything_in_admin(world, client_for):
    client = client_for(world.users["ministry"])
    url = reverse("admin:blocs_bloc_change", args=[world.own.pk])
    response = client.post(url, {"name": "Đổi tên", "region": "X", "kind": "bloc"})
    assert response.status_code == 403
    world.own.refresh_from_db()
    assert world.own.name != "Đổi tên"


def test_other_secretariat_can_read_but_not_edit_a_board_of_another_bloc(
    world, client_for
):
    board = world.own_boards[0]
    client = client_for(world.users["other_secretariat"])
    url = reverse("admin:blocs_board_change", args=[board.pk])
    response = client.post(
        url,
        {"name": "Tên khác", "short_name": "X", "province": "Y", "manages_kcn": "on"},
    )
    assert response.status_code == 403
    board.refresh_from_db()
    assert board.name != "Tên khác"


def test_secretariat_edits_own_member_board(world, client_for):
    board = world.own_boards[0]
    client = client_for(world.users["secretariat"])
    url = reverse("admin:blocs_board_change", args=[board.pk])
    response = client.post(
        url,
        {
            "name": board.name,
            "short_name": board.short_name,
            "province": "Quảng Ngãi",
            "manages_kkt": "on",
        },
    )
    assert response.status_code == 302
    board.refresh_from_db()
    # The province moves only with a dated rename (closed years keep theirs).
    assert (board.province, board.zone_kinds) == (world.own_boards[0].province, ["KKT"])


def test_board_must_manage_some_zone_kind(world, client_for):
    board = world.own_boards[0]
    client = client_for(world.users["secretariat"])
    url = reverse("admin:blocs_board_change", args=[board.pk])
    response = client.post(
        url, {"name": board.name, "short_name": board.short_name, "province": "Z"}
    )
    assert response.status_code == 200
    assert "quản lý ít nhất một loại khu" in response.text
    board.refresh_from_db()
    assert board.province != "Z"


def test_secretariat_sees_only_own_bloc_years(world, client_for):
    response = client_for(world.users["secretariat"]).get(
        reverse("admin:blocs_blocyear_changelist")
    )
    shown = {by.pk for by in response.context["cl"].result_list}
    assert shown == {world.own_year.pk}
    assert BlocYear.objects.count() == 2


@pytest.mark.parametrize("renamed_on", [dt.date(2025, 1, 1), dt.date(2026, 1, 1)])
def test_leaders_are_named_as_in_each_year(db, renamed_on):
    """``bloc_years_with_leaders`` (the overview, the comparison, the admin
    list) and a board's page name the head and deputy as they were called in
    each year: a rename dated from 1 January reaches that year and not the
    one before."""
    head, deputy, member = (factories.board() for _ in range(3))
    bloc = factories.bloc()
    for year in (2024, 2025):
        factories.bloc_year(
            bloc=bloc,
            year=year,
            members=[head, deputy, member],
            head=head,
            deputy=deputy,
        )
    old = head.short_name
    services.board_rename(
        board=head,
        name=f"{head.name} mới",
        short_name=f"{old} mới",
        valid_from=renamed_on,
        actor=None,
    )
    rows = {
        y.year: (y.head_name, y.deputy_name, y.member_count)
        for y in selectors.bloc_years_with_leaders(BlocYear.objects.filter(bloc=bloc))
    }
    renamed_2025 = renamed_on.year == 2025
    assert rows == {
        2024: (old, deputy.short_name, 3),
        2025: (f"{old} mới" if renamed_2025 else old, deputy.short_name, 3),
    }
    # A member board's own page names them the same way (the same SQL).
    officer = factories.user(role="board_officer", board=member)
    memberships = list(selectors.memberships_list_for_board(user=officer))
    years = {m.year: (m.head_name, m.deputy_name) for m in memberships}
    assert years == {year: names[:2] for year, names in rows.items()}
    # Its page shows no member count: none is counted for it.
    assert not any(hasattr(m, "member_count") for m in memberships)
