from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring"
    verbose_name = _("Scoring and voting")

    def ready(self) -> None:
        from blocs.hooks import BOARD_YEAR_LINKS, REMINDER_SOURCES
        from blocs.models import User
        from blocs.roles import register_role_permissions
        from pledges.hooks import SUBMISSION_FIGURES_CHANGED
        from scoring import notices, selectors, services

        if services.recompute_after_submission_change not in SUBMISSION_FIGURES_CHANGED:
            SUBMISSION_FIGURES_CHANGED.append(
                services.recompute_after_submission_change
            )
        notices.register_kinds()
        if notices.reminders_due not in REMINDER_SOURCES:
            REMINDER_SOURCES.append(notices.reminders_due)
        if selectors.board_year_links not in BOARD_YEAR_LINKS:
            BOARD_YEAR_LINKS.append(selectors.board_year_links)
        models = [
            "scoringscale",
            "criterion",
            "assessment",
            "score",
            "votinground",
            "candidate",
        ]
        register_role_permissions(
            User.Role.SECRETARIAT,
            {
                f"scoring.{verb}_{m}"
                for m in models
                for verb in ("view", "add", "change")
            }
            | {
                "scoring.delete_criterion",
                "scoring.view_ballotcast",
                "scoring.view_ballot",
            },
        )
        register_role_permissions(
            User.Role.MINISTRY_VIEWER,
            {f"scoring.view_{m}" for m in [*models, "ballotcast", "ballot"]},
        )
        from blocs import hooks
        from scoring import cockpit

        hooks.register(hooks.COCKPIT_ITEMS, cockpit.items)
        hooks.register(hooks.STAGE_CHECKS, cockpit.missing)
        hooks.register(hooks.NEXT_ACTIONS, cockpit.next_actions)
