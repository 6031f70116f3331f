from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blocs.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from blocs.models import User
        from blocs.notifications import kinds
        from blocs.roles import register_role_permissions

        kinds.register_foundation_kinds()
        for role in (User.Role.SECRETARIAT, User.Role.MINISTRY_VIEWER):
            register_role_permissions(role, {"notifications.view_delivery"})
