"""Who may read and publish the year-end documents."""

from django.db.models import QuerySet

from blocs.permissions import (
    board_bloc_year_ids,
    is_board_officer,
    is_secretariat,
    sees_everything,
)
from pledges.permissions import can_manage_year
from reports.models import Publication


def publications_visible_to(user) -> QuerySet[Publication]:
    """Published documents: a board's officers read their blocs' own."""
    if sees_everything(user):
        return Publication.objects.all()
    if is_secretariat(user):
        return Publication.objects.filter(bloc_year__bloc=user.bloc_id)
    if is_board_officer(user):
        return Publication.objects.filter(bloc_year__in=board_bloc_year_ids(user))
    return Publication.objects.none()


def can_publish(user, bloc_year) -> bool:
    """Drafts, previews and publishing: the year's secretariat (or a
    superuser). A closed year's documents can still be published: closing
    the year is what they record."""
    if user.is_superuser:
        return True
    return is_secretariat(user) and bloc_year.bloc_id == user.bloc_id


__all__ = ["can_manage_year", "can_publish", "publications_visible_to"]
