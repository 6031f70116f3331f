from django.utils.functional import SimpleLazyObject

from blocs.notifications.selectors import notices_unread_count


def notices(request):
    """The bell's unread count: loaded with the user (blocs.backends), else one
    query, only on a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = getattr(user, "notice_unread", None)
    if unread is not None:
        return {"notice_unread": unread}
    return {"notice_unread": SimpleLazyObject(lambda: notices_unread_count(user=user))}
