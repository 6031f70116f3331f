from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    """The bloc's fund (quỹ khối): bloc-level money, so it sits beside the
    foundation and below the year's work; reports prints its statement."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "blocs.fund"
    label = "fund"
    verbose_name = _("Bloc fund")

    def ready(self) -> None:
        from blocs import hooks
        from blocs.fund.cockpit import fund_section
        from blocs.models import User
        from blocs.roles import register_role_permissions

        hooks.COCKPIT_SECTIONS.append(fund_section)

        register_role_permissions(
            User.Role.SECRETARIAT,
            {
                f"fund.{verb}_{model}"
                for verb in ("view", "add", "change", "delete")
                for model in ("fundyear", "contribution", "expense")
            },
        )
        register_role_permissions(
            User.Role.MINISTRY_VIEWER,
            {"fund.view_fundyear", "fund.view_contribution", "fund.view_expense"},
        )
