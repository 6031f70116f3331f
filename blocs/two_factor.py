"""Two-factor sign-in: a code from an authenticator app (TOTP, RFC 6238) or a
one-time recovery code, after the password.

Required of superusers (they change everything, the other blocs included);
offered to the secretariat, and required of them once turned on. A session
is "verified" once a code was accepted in it (django-otp keeps the device in
the session); until then the middleware lets the user reach only the pages
of this module, the logout and the static files.

Whether a session needs the second factor is decided at login and kept in the
session, so that pages of users without it run no extra query.
"""

import base64

import qrcode
import qrcode.image.svg
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from blocs.models import User
from blocs.services import audit_record

SESSION_KEY = "two_factor_enrolled"
RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"


def can_use_two_factor(user: User) -> bool:
    """Who is offered the second factor: superusers and the secretariat."""
    return user.is_authenticated and (
        user.is_superuser or user.role == User.Role.SECRETARIAT
    )


def two_factor_required(user: User, session) -> bool:
    """Must this session pass the second factor before anything else?"""
    return user.is_authenticated and (
        user.is_superuser or bool(session.get(SESSION_KEY))
    )


def two_factor_enrolled(user: User) -> bool:
    return user_has_device(user, confirmed=True)


@receiver(user_logged_in)
def _remember_enrolment(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = two_factor_enrolled(user)


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The device being set up: created unconfirmed with a random key, and
    kept across page loads until a code from it is entered."""
    device = TOTPDevice.objects.filter(
        user=user, name=DEVICE_NAME, confirmed=False
    ).first()
    return device or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False
    )


def totp_secret(device: TOTPDevice) -> str:
    """The key as typed into an app by hand: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8
    )
    return image.to_string(encoding="unicode")


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Turn on the second factor once the app shows a right code; return the
    new recovery codes (shown once). Raises ValueError on a wrong code, which
    still counts towards the device's throttling (so outside the transaction
    that would roll the count back)."""
    if device.user_id != user.pk or device.confirmed:
        raise ValueError("not a device being set up")
    if not device.verify_token(token):
        raise ValueError("wrong code")
    return _totp_device_enable(user=user, device=device)


@transaction.atomic
def _totp_device_enable(*, user: User, device: TOTPDevice) -> list[str]:
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator at a time: an earlier one stops working.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _recovery_codes_make(user)
    audit_record(actor=user, action="two_factor.enable", obj=user)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes; the earlier ones stop working."""
    codes = _recovery_codes_make(user)
    audit_record(actor=user, action="two_factor.recovery_codes", obj=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _recovery_codes_make(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def verify_wait(user: User):
    """When the user may try a code again, or None if now: every device of the
    user counts its wrong codes and makes the next try wait longer."""
    waits = []
    for device in devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            waits.append(data["locked_until"])
    # Throttled only when no device would take a code now.
    devices = list(devices_for_user(user, confirmed=True))
    return max(waits) if devices and len(waits) == len(devices) else None


def totp_device_set(*, user: User, secret: str) -> TOTPDevice:
    """A confirmed authenticator with the given base32 key: for the demo
    superuser only, whose key is documented so that anyone trying the demo
    can sign in (demo accounts log in only while DEBUG is on). Real users'
    keys are made at random when they set the second factor up."""
    if not user.is_demo:
        raise ValueError("a fixed two-factor key is for demo accounts only")
    key_hex = base64.b32decode(secret).hex()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or device.key != key_hex:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=key_hex, confirmed=True
        )
    return device


@transaction.atomic
def two_factor_reset(*, user: User, actor: User | None) -> None:
    """Remove every device of the user (a lost phone and lost recovery codes):
    the user sets the second factor up again at the next sign-in."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit_record(actor=actor, action="two_factor.reset", obj=user)
