from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class PortalBackend(ModelBackend):
    """Django's model backend, but demo accounts (whose passwords are printed by
    ``load_demo`` and written in the README) only work while DEBUG is on."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
