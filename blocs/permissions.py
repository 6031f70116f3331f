"""Who may see and change what: paired predicates and scoped querysets.

Every view and admin page fetches objects only through the ``*_visible_to``
querysets, so scope is enforced on data, not only hidden in menus.
"""

from django.db.models import QuerySet

from blocs.models import (
    Bloc,
    BlocYear,
    Board,
    BoardSuccession,
    Membership,
    Ministry,
    Official,
    User,
)


def is_secretariat(user) -> bool:
    return user.is_authenticated and user.role == User.Role.SECRETARIAT


def is_board_officer(user) -> bool:
    return user.is_authenticated and user.role == User.Role.BOARD_OFFICER


def is_ministry_viewer(user) -> bool:
    return user.is_authenticated and user.role == User.Role.MINISTRY_VIEWER


def sees_everything(user) -> bool:
    return user.is_authenticated and (user.is_superuser or is_ministry_viewer(user))


def board_bloc_year_ids(user) -> QuerySet:
    """The bloc-years a board officer's board belongs to, as a subquery
    (a subquery rather than a join, so that counts annotated later stay whole)."""
    return Membership.objects.filter(board=user.board_id).values("bloc_year")


def ministries_visible_to(user) -> QuerySet[Ministry]:
    if sees_everything(user) or is_secretariat(user):
        return Ministry.objects.all()
    return Ministry.objects.none()


def blocs_visible_to(user) -> QuerySet[Bloc]:
    if sees_everything(user):
        return Bloc.objects.all()
    if is_secretariat(user):
        return Bloc.objects.filter(pk=user.bloc_id)
    if is_board_officer(user):
        return Bloc.objects.filter(
            pk__in=Membership.objects.filter(board=user.board_id).values(
                "bloc_year__bloc"
            )
        )
    return Bloc.objects.none()


def boards_visible_to(user) -> QuerySet[Board]:
    # Board names are public facts; a secretariat must be able to find any
    # board to add it to its bloc (boards move between blocs, seed 003).
    if sees_everything(user) or is_secretariat(user):
        return Board.objects.all()
    if is_board_officer(user):
        return Board.objects.filter(pk=user.board_id)
    return Board.objects.none()


def bloc_years_visible_to(user) -> QuerySet[BlocYear]:
    if sees_everything(user):
        return BlocYear.objects.all()
    if is_secretariat(user):
        return BlocYear.objects.filter(bloc=user.bloc_id)
    if is_board_officer(user):
        return BlocYear.objects.filter(pk__in=board_bloc_year_ids(user))
    return BlocYear.objects.none()


def memberships_visible_to(user) -> QuerySet[Membership]:
    if sees_everything(user):
        return Membership.objects.all()
    if is_secretariat(user):
        return Membership.objects.filter(bloc_year__bloc=user.bloc_id)
    if is_board_officer(user):
        return Membership.objects.filter(board=user.board_id)
    return Membership.objects.none()


def can_change_bloc(user, bloc: Bloc) -> bool:
    if user.is_superuser:
        return True
    return is_secretariat(user) and bloc.pk == user.bloc_id


def can_change_board(user, board: Board) -> bool:
    if user.is_superuser:
        return True
    return (
        is_secretariat(user)
        and Membership.objects.filter(
            board=board, bloc_year__bloc=user.bloc_id
        ).exists()
    )


def can_change_bloc_year(user, bloc_year: BlocYear) -> bool:
    """A closed year is immutable for everyone, superusers included."""
    if bloc_year.status == BlocYear.Status.CLOSED:
        return False
    return user.is_superuser or (
        is_secretariat(user) and bloc_year.bloc_id == user.bloc_id
    )


def board_successions_visible_to(user) -> QuerySet[BoardSuccession]:
    """Mergers and splits of boards are public, like their names."""
    if sees_everything(user) or is_secretariat(user):
        return BoardSuccession.objects.all()
    return BoardSuccession.objects.none()


def officials_visible_to(user) -> QuerySet[Official]:
    """Who holds which post is public; the admin shows it to its staff."""
    if sees_everything(user) or is_secretariat(user):
        return Official.objects.all()
    return Official.objects.none()


def can_change_official(user, official: Official) -> bool:
    """A secretariat records the people of its own bloc's boards (of any
    year); ministry departments are the superuser's."""
    if user.is_superuser:
        return True
    if not is_secretariat(user) or official.board_id is None:
        return False
    return Membership.objects.filter(
        board=official.board_id, bloc_year__bloc=user.bloc_id
    ).exists()


def can_run_bloc_year(user, bloc_year: BlocYear) -> bool:
    """Who presses the cockpit's button: the year's secretariat (or a
    superuser), closed years included, since a closed year's documents are
    still published; each step's own service checks its own rule."""
    return user.is_superuser or (
        is_secretariat(user) and bloc_year.bloc_id == user.bloc_id
    )
