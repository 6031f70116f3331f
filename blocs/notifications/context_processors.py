from django.utils.functional import SimpleLazyObject

from blocs.notifications.selectors import notices_unread_count


def notices(request):
    """The bell's unread count: one query, only on a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_unread": SimpleLazyObject(lambda: notices_unread_count(user=user))}
