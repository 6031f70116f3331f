from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BlocsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blocs"
    verbose_name = _("Blocs and boards")

    def ready(self) -> None:
        from blocs import two_factor  # noqa: F401  connects its login signal
        from blocs.roles import roles_sync

        # Like django.contrib.auth's create_permissions: groups follow the code.
        post_migrate.connect(roles_sync, dispatch_uid="blocs.roles_sync")
        from blocs import cockpit, hooks

        hooks.register(hooks.COCKPIT_ITEMS, cockpit.membership_items)
        hooks.register(hooks.STAGE_CHECKS, cockpit.membership_missing)
