from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pledges"
    verbose_name = _("Pledges and reporting")

    def ready(self) -> None:
        from blocs.hooks import BOARD_YEAR_LINKS, REMINDER_SOURCES, ROUTINE_ACTIONS
        from blocs.models import User
        from blocs.roles import register_role_permissions
        from pledges import notices
        from pledges.selectors import board_year_links

        if board_year_links not in BOARD_YEAR_LINKS:
            BOARD_YEAR_LINKS.append(board_year_links)
        notices.register_kinds()
        # A report's own writes: its rows, its figures and its files only
        # (tests/reports/test_ministry.py holds the overview's list to it).
        ROUTINE_ACTIONS.update(
            {
                "submission.save",
                "submission.register",
                "submission.submit",
                "evidence.add",
            }
        )
        if notices.reminders_due not in REMINDER_SOURCES:
            REMINDER_SOURCES.append(notices.reminders_due)
        register_role_permissions(
            User.Role.SECRETARIAT,
            {
                "pledges.view_indicator",
                "pledges.add_indicator",
                "pledges.change_indicator",
                "pledges.delete_indicator",
                "pledges.view_validationrule",
                "pledges.add_validationrule",
                "pledges.change_validationrule",
                "pledges.delete_validationrule",
                "pledges.view_pledge",
                "pledges.add_pledge",
                "pledges.change_pledge",
                "pledges.view_commitment",
                "pledges.add_commitment",
                "pledges.change_commitment",
                "pledges.delete_commitment",
                "pledges.view_signature",
                "pledges.view_submission",
                "pledges.change_submission",
                "pledges.view_value",
                "pledges.add_value",
                "pledges.change_value",
                "pledges.view_reportingyear",
                "pledges.change_reportingyear",
                "pledges.view_exchangerate",
                "pledges.add_exchangerate",
                "pledges.change_exchangerate",
            },
        )
        register_role_permissions(
            User.Role.MINISTRY_VIEWER,
            {
                f"pledges.view_{model}"
                for model in (
                    "indicator",
                    "validationrule",
                    "pledge",
                    "commitment",
                    "signature",
                    "submission",
                    "value",
                    "reportingyear",
                    "exchangerate",
                )
            },
        )
        from blocs import hooks
        from pledges import cockpit

        hooks.register(hooks.COCKPIT_ITEMS, cockpit.items)
        hooks.register(hooks.STAGE_CHECKS, cockpit.missing)
        hooks.register(hooks.NEXT_ACTIONS, cockpit.next_actions)
        hooks.register(hooks.STAGE_ENTERED, cockpit.close_signing)
