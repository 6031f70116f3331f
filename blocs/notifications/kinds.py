"""What a notice can be: one registry, read by the notice centre, the mail and
the preference form alike. Each app registers its own kinds in ready()."""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    """``label`` names the kind in lists; ``subject`` and ``body`` are lazy
    translations with named placeholders filled from the notice's context.
    ``essential`` kinds are mailed even to users who turned off optional
    e-mail; ``in_app`` ones are listed in the notice centre (a password reset
    mail is not)."""

    code: str
    label: str
    subject: str
    body: str
    essential: bool = False
    in_app: bool = True
    # Messages about the account itself reach any active user; the rest
    # reach only users in some scope (a role or superuser rights).
    account: bool = False


KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        KINDS[kind.code] = kind


def in_app_codes() -> list[str]:
    return [code for code, kind in KINDS.items() if kind.in_app]


def _localise(value):
    """Dates travel in the context as ISO strings; readers see their format."""
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return formats.date_format(
                dt.date.fromisoformat(value), "SHORT_DATE_FORMAT"
            )
        except ValueError:
            return value
    return value


class _Values(dict):
    """A context that answers "—" for a key it lacks: a notice recorded
    before a kind's wording gained a placeholder still renders."""

    def __missing__(self, key: str) -> str:
        return "—"


def render(code: str, context: dict) -> tuple[str, str]:
    """(subject, body) in the active language. A subject is one line whatever
    the context holds: names and reasons cannot add mail headers."""
    kind = KINDS[code]
    values = _Values({key: _localise(value) for key, value in context.items()})
    subject = " ".join((str(kind.subject) % values).split())
    body = str(kind.body) % values
    return subject, body


PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind, not a password)
PASSWORD_CHANGED = "password_changed"  # noqa: S105


def register_foundation_kinds() -> None:
    register(
        Kind(
            PASSWORD_RESET,
            _("Password reset"),
            _("Resetting your password"),
            _(
                "Someone (we hope you) asked to reset the password of the account "
                "%(username)s. Open the link below to choose a new password; it "
                "works once, for a limited time. If you did not ask, ignore this "
                "message: your password stays as it is."
            ),
            essential=True,
            in_app=False,
            account=True,
        ),
        Kind(
            PASSWORD_CHANGED,
            _("Password changed"),
            _("Your password was changed"),
            _(
                "The password of the account %(username)s was changed. If you did "
                "not do this, tell the portal's administrator at once."
            ),
            essential=True,
            account=True,
        ),
    )
