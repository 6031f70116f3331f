"""Renaming a board in the admin: a dated rename through the service, per
role; a rename that would reach a closed year is refused with its message
and changes nothing; the successions' admin per role."""

import pytest
from django.urls import reverse

from blocs.models import AuditEvent, BlocYear, BoardName, BoardSuccession
from blocs.selectors import board_lineage, boards_named_in
from tests import factories

pytestmark = pytest.mark.django_db


def _change_url(board) -> str:
    return reverse("admin:blocs_board_change", args=[board.pk])


def _post(board, **rename) -> dict:
    data = {
        "name": board.name,
        "short_name": board.short_name,
        "province": board.province,
        "manages_kcn": "on",
        "note": "",
    }
    return data | rename


RENAME = {
    "rename_from": "2024-01-01",
    "new_name": "Ban Quản lý Khu kinh tế mới",
    "new_short_name": "KKT mới",
    "new_province": "Tỉnh mới",
}


@pytest.mark.parametrize("role", ["superuser", "secretariat"])
def test_a_rename_in_the_admin_keeps_the_old_name_for_earlier_years(
    world, client_for, role
):
    board = world.own_boards[0]
    old_name = board.name
    client = client_for(world.users[role])
    response = client.post(_change_url(board), _post(board, **RENAME))
    assert response.status_code == 302, response.content[:2000]
    board.refresh_from_db()
    assert (board.name, board.short_name, board.province) == (
        "Ban Quản lý Khu kinh tế mới",
        "KKT mới",
        "Tỉnh mới",
    )
    former = BoardName.objects.get(board=board)
    assert former.name == old_name
    assert AuditEvent.objects.filter(action="board.rename").count() == 1
    # The 2023 year names it as before, 2024 by the new name.
    boards_named_in([board], year=2023)
    assert board.name == old_name
    boards_named_in([board], year=2024)
    assert board.name == "Ban Quản lý Khu kinh tế mới"


def test_a_rename_into_a_closed_year_is_refused_in_the_admin(world, client_for):
    factories.bloc_year(
        bloc=world.own,
        year=2024,
        members=world.own_boards,
        status=BlocYear.Status.CLOSED,
    )
    board = world.own_boards[0]
    client = client_for(world.users["superuser"])
    response = client.post(_change_url(board), _post(board, **RENAME))
    assert response.status_code == 200
    assert "closed year 2024" in response.content.decode() or (
        "năm 2024 đã khóa sổ" in response.content.decode()
    )
    board.refresh_from_db()
    assert board.short_name != "KKT mới"
    assert not BoardName.objects.exists()
    assert not AuditEvent.objects.filter(action="board.rename").exists()


def test_the_name_cannot_be_overwritten_in_the_admin(world, client_for):
    board = world.own_boards[0]
    client = client_for(world.users["superuser"])
    data = _post(board) | {"name": "Ghi đè", "short_name": "Ghi đè"}
    response = client.post(_change_url(board), data)
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.short_name != "Ghi đè"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("board_officer", 302),
        ("other_secretariat", 403),
        ("ministry", 403),
    ],
)
def test_others_cannot_rename_a_board(world, client_for, role, status):
    board = world.own_boards[0]
    client = client_for(world.users[role])
    response = client.post(_change_url(board), _post(board, **RENAME))
    assert response.status_code == status
    board.refresh_from_db()
    assert board.short_name != "KKT mới"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("board_officer", 302),
        ("secretariat", 200),
        ("ministry", 200),
        ("superuser", 200),
    ],
)
def test_successions_list_per_role(world, client_for, role, status):
    client = client_for(world.users[role])
    response = client.get(reverse("admin:blocs_boardsuccession_changelist"))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "allowed"), [("superuser", True), ("ministry", False)]
)
def test_only_a_superuser_records_a_succession(world, client_for, role, allowed):
    a, b = world.own_boards[:2]
    client = client_for(world.users[role])
    client.post(
        reverse("admin:blocs_boardsuccession_add"),
        {"predecessor": a.pk, "successor": b.pk, "date": "2025-07-01", "kind": "merge"},
    )
    assert BoardSuccession.objects.exists() is allowed
    if allowed:
        assert board_lineage(board_ids=[b.pk])[b.pk] == {a.pk, b.pk}
        assert AuditEvent.objects.filter(action="board.succession").exists()
