"""The rules of who belongs where hold in the database, not only in forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from blocs import services
from blocs.models import BlocYear, Membership, User
from tests import factories


def _raw_membership(bloc_year, board, role=Membership.Role.MEMBER):
    """Insert bypassing every Python-side check, as a buggy script would."""
    return Membership.objects.create(
        bloc_year=bloc_year, board=board, year=bloc_year.year, role=role
    )


def test_database_refuses_board_in_two_blocs_in_one_year(world):
    board = world.own_boards[2]
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_membership(world.other_year, board)
    assert Membership.objects.filter(board=board).count() == 1


def test_database_refuses_second_head(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(
            bloc_year=world.own_year, board=world.own_boards[2]
        ).update(role=Membership.Role.HEAD)
    assert world.own_year.memberships.filter(role="head").count() == 1


def test_database_refuses_head_equal_to_deputy(world):
    """A head is a membership row; the same board cannot hold a second row
    in the same year to be deputy too."""
    head = world.own_boards[0]
    world.own_year.memberships.filter(role="deputy").delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_membership(world.own_year, head, Membership.Role.DEPUTY)
    assert list(
        world.own_year.memberships.filter(board=head).values_list("role", flat=True)
    ) == ["head"]


def test_head_must_be_a_member_of_that_bloc_year(world):
    """The head of a year is a membership of that year: a board of another
    bloc cannot be made head without joining, which the database refuses."""
    outsider = world.other_boards[1]
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_membership(world.own_year, outsider, Membership.Role.HEAD)
    assert world.own_year.memberships.get(role="head").board == world.own_boards[0]


def test_database_refuses_two_bloc_years_for_same_bloc_and_year(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        BlocYear.objects.create(bloc=world.own, year=world.own_year.year)


def test_service_reports_board_in_two_blocs_with_clear_message(world):
    with pytest.raises(ValidationError) as info:
        services.membership_set(bloc_year=world.other_year, board=world.own_boards[2])
    assert "Ban này đã là thành viên của một khối trong năm này." in info.value.messages
    assert not world.other_year.memberships.filter(board=world.own_boards[2]).exists()


def test_same_board_may_change_bloc_between_years(world):
    """Seed 003: boards of two blocs joined one merged bloc in a later year."""
    board = world.own_boards[2]
    later = factories.bloc_year(bloc=world.other, year=2024, members=[board])
    assert later.memberships.get().board == board
    assert set(board.memberships.values_list("bloc_year__bloc", flat=True)) == {
        world.own.pk,
        world.other.pk,
    }


def test_database_refuses_board_officer_with_admin_access(world):
    officer = world.users["board_officer"]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=officer.pk).update(is_staff=True)


def test_database_refuses_secretariat_without_bloc(world):
    secretariat = world.users["secretariat"]
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=secretariat.pk).update(bloc=None)


def test_closed_year_refuses_new_members(world):
    closed = factories.bloc_year(
        bloc=world.own, year=2020, members=world.own_boards[:1], status="closed"
    )
    with pytest.raises(ValidationError, match="Năm đã kết thúc không thể thay đổi"):
        services.membership_set(bloc_year=closed, board=world.own_boards[1])
    assert closed.memberships.count() == 1
