from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Documents and reports")

    def ready(self) -> None:
        from blocs.hooks import BOARD_YEAR_LINKS
        from blocs.models import User
        from blocs.roles import register_role_permissions
        from reports import notices
        from reports.selectors import board_year_links

        if board_year_links not in BOARD_YEAR_LINKS:
            BOARD_YEAR_LINKS.append(board_year_links)
        notices.register_kinds()
        for role in (User.Role.SECRETARIAT, User.Role.MINISTRY_VIEWER):
            register_role_permissions(
                role,
                {
                    "reports.view_publication",
                    "reports.view_legalbasis",
                    "reports.view_documentyear",
                    "reports.view_yearsections",
                    "reports.view_achievement",
                },
            )
        register_role_permissions(
            User.Role.SECRETARIAT,
            {
                "reports.add_yearsections",
                "reports.change_yearsections",
                "reports.add_achievement",
                "reports.change_achievement",
                "reports.delete_achievement",
            },
        )
        from blocs import hooks
        from reports import cockpit

        hooks.register(hooks.COCKPIT_ITEMS, cockpit.items)
        hooks.register(hooks.NEXT_ACTIONS, cockpit.next_actions)
