"""Reads of notices, always the reader's own."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from blocs.notifications.kinds import in_app_codes, render
from blocs.notifications.models import Delivery, Notice


def notices_list_for_user(*, user) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user, kind__in=in_app_codes())


def notices_unread_count(*, user) -> int:
    return notices_list_for_user(user=user).filter(read_at__isnull=True).count()


def unread_count_subquery():
    """The unread count of the outer query's user, for an annotation."""
    counts = (
        Notice.objects.filter(
            user=OuterRef("pk"), read_at__isnull=True, kind__in=in_app_codes()
        )
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def notice_rendered(notice: Notice) -> Notice:
    """Adds ``subject`` and ``body`` in the active language."""
    notice.subject, notice.body = render(notice.kind, notice.context)
    return notice


def deliveries_visible_to(user) -> QuerySet[Delivery]:
    """The secretariat sees the mail of its bloc's people (its own colleagues
    and the officers of boards that were ever its members); superusers and the
    ministry everything; nobody else anything."""
    from blocs.models import Membership
    from blocs.permissions import is_secretariat, sees_everything

    deliveries = Delivery.objects.select_related("notice__user")
    if sees_everything(user):
        return deliveries
    if is_secretariat(user):
        boards = Membership.objects.filter(bloc_year__bloc=user.bloc_id).values("board")
        return deliveries.filter(notice__user__bloc=user.bloc_id) | deliveries.filter(
            notice__user__board__in=boards
        )
    return deliveries.none()
