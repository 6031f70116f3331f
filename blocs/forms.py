from decimal import Decimal

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.translation import gettext_lazy as _

from blocs import numbers
from blocs.backends import login_locked_until, password_reset_allowed
from blocs.models import Membership


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["board", "role", "confirmed", "source"]

    def _post_clean(self):
        super()._post_clean()
        # Django skips constraints on fields the form does not show; "year"
        # mirrors the bloc-year's and carries "one bloc per board and year",
        # so check those constraints once clean() has filled it in.
        for constraint in Membership._meta.constraints:
            if "year" in getattr(constraint, "fields", ()):
                try:
                    constraint.validate(Membership, self.instance)
                except ValidationError as error:
                    self._update_errors(error)


class ThrottledLoginMixin:
    """Says plainly that logins are paused, without saying whether the
    username exists (every username, real or not, is locked the same way)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and self.cleaned_data.get("password"):
            until = login_locked_until(self.request, username)
            if until:
                raise ValidationError(
                    self.error_messages["throttled"],
                    code="throttled",
                    params={"time": time_format(timezone.localtime(until), "H:i")},
                )
        return super().clean()


LOGIN_ERRORS = {
    "invalid_login": _("Your username and password did not match. Please try again."),
    "throttled": _(
        "Too many failed login attempts. For safety, logging in with this account "
        "or from this computer is paused until %(time)s. Please try again then."
    ),
}


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = AuthenticationForm.error_messages | LOGIN_ERRORS


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    error_messages = AdminAuthenticationForm.error_messages | {
        "throttled": LOGIN_ERRORS["throttled"]
    }


class TwoFactorCodeForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class NumberField(forms.DecimalField):
    """A decimal typed the way the user's language writes it (2.470,7 in
    Vietnamese, 2,470.7 in English), read by ``blocs.numbers``: malformed
    or ambiguous input is refused with the expected format, never guessed."""

    def __init__(self, **kwargs):
        # Localized: shown as the language writes it, in a text input (a
        # browser's number input would refuse "2.470,7").
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return numbers.parse(str(value), numbers.active_style())
        except numbers.NumberError as error:
            raise ValidationError(error.message, code="invalid") from None


class WholeNumberField(forms.IntegerField):
    """A whole number typed the user's way (2.470 in Vietnamese)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return numbers.parse_whole(str(value), numbers.active_style())
        except numbers.NumberError as error:
            raise ValidationError(error.message, code="invalid") from None


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, throttled per address and per client like the
    login. The mail is not sent here: the request records a notice and the
    task worker mails it (with a link made at sending), so the page answers
    at once and the same way whether or not the address has an account."""

    error_messages = {
        "throttled": _(
            "Too many password reset requests. For safety, please try again in an hour."
        ),
    }

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if not password_reset_allowed(self.request, email):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        return email

    def save(self, *args, **kwargs) -> None:
        from blocs.notifications import kinds
        from blocs.notifications.services import notify

        users = list(self.get_users(self.cleaned_data["email"]))
        if users:
            notify(users=users, kind=kinds.PASSWORD_RESET, context={})
