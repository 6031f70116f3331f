"""Django calls ``password_changed()`` of every configured password validator
whenever a saved user's password changes (AbstractBaseUser.save): the one place
that sees every change, whichever form, admin page or reset made it."""

from django.db import transaction

from blocs.notifications import kinds


class StaffPasswordChangedNotice:
    def validate(self, password, user=None) -> None:
        return None

    def get_help_text(self) -> str:
        return ""

    def password_changed(self, password, user=None) -> None:
        # Demo accounts' printed password is set on every load_demo; an account
        # never used (just created) has nobody to warn yet.
        if user is None or not user.is_staff or user.is_demo or not user.last_login:
            return
        from blocs.notifications.services import notify

        # The change is saved after this call, inside the caller's transaction.
        transaction.on_commit(
            lambda: notify(
                users=[user],
                kind=kinds.PASSWORD_CHANGED,
                context={"username": user.get_username()},
            )
        )
