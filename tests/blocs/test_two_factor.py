"""Two-factor sign-in: required of superusers, offered to the secretariat,
with recovery codes, throttled."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from blocs import two_factor
from blocs.models import AuditEvent
from tests import factories

PASSWORD = "pw-for-tests-only"
SETUP, VERIFY = reverse("two_factor"), reverse("two_factor_verify")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _login(client, user):
    """The first step, the password, through the real login page."""
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _code(device, drift=0) -> str:
    return f"{totp(device.bin_key, t0=device.t0, step=device.step, drift=drift):06d}"


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def test_a_superuser_without_a_second_factor_reaches_nothing_but_its_setup(db, client):
    admin = _login(client, factories.user(superuser=True))
    for url in ("/admin/", "/admin/blocs/user/", "/overview/", "/"):
        response = admin.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SETUP + "?next="), url
    page = admin.get(SETUP)
    assert page.status_code == 200
    assert 'data-testid="two-factor-qr"' in page.text
    assert "<svg" in page.text


def test_setting_up_gives_recovery_codes_and_opens_the_admin(db, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code just after a wrong one
    user = factories.user(superuser=True)
    _login(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = client.get(SETUP).context["secret"].replace(" ", "")
    assert len(secret) == 32  # the same pending key on every load

    wrong = client.post(SETUP, {"code": "000000" if _code(device) != "000000" else "1"})
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.text
    assert client.get("/admin/").status_code == 302

    done = client.post(SETUP, {"code": _code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == two_factor.RECOVERY_CODES
    assert all(code in done.text for code in codes)
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    enabled = AuditEvent.objects.filter(action="two_factor.enable", actor=user)
    assert enabled.count() == 1


def test_an_enrolled_superuser_passes_the_code_page_then_reaches_the_admin(db, client):
    user = factories.user(superuser=True)
    device = _enrolled(user)
    _login(client, user)
    response = client.get("/admin/blocs/bloc/")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fblocs%2Fbloc%2F"
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # no re-enrolment
    page = client.get(response["Location"])
    assert page.status_code == 200
    passed = client.post(VERIFY, {"code": _code(device), "next": "/admin/blocs/bloc/"})
    assert passed["Location"] == "/admin/blocs/bloc/"
    assert client.get("/admin/blocs/bloc/").status_code == 200
    # An outside address in "next" is not followed.
    client.logout()
    _login(client, user)
    passed = client.post(
        VERIFY, {"code": _code(device, drift=1), "next": "https://evil.example/"}
    )
    assert passed["Location"] == reverse("home")


def test_a_recovery_code_works_once(db, client):
    user = factories.user(superuser=True)
    _enrolled(user)
    codes = two_factor.recovery_codes_renew(user=user)
    _login(client, user)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert two_factor.recovery_codes_left(user) == len(codes) - 1
    client.logout()
    _login(client, user)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_wrong_codes_are_throttled_even_the_right_one_then_waits(db, client):
    user = factories.user(superuser=True)
    device = _enrolled(user)
    _login(client, user)
    right = _code(device)
    wrong = "000000" if right != "000000" else "111111"
    first = client.post(VERIFY, {"code": wrong})
    assert first.status_code == 400
    assert "This code is not right" in first.text
    # After a wrong code the device waits (1 s, then 2 s, 4 s, ...): a right
    # code sent at once is refused too, and said to be paused.
    paused = client.post(VERIFY, {"code": right})
    assert paused.status_code == 400
    assert "Too many wrong codes" in paused.text
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_wrong_codes_while_setting_up_are_throttled_too(db, client):
    user = factories.user(superuser=True)
    _login(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    right = _code(device)
    assert client.post(SETUP, {"code": "000000" if right != "000000" else "1"})
    paused = client.post(SETUP, {"code": right})
    assert paused.status_code == 400
    assert "Too many wrong codes" in paused.text
    assert not two_factor.two_factor_enrolled(user)


def test_the_secretariat_may_turn_it_on_and_is_then_asked_at_every_sign_in(
    world, client
):
    secretariat = world.users["secretariat"]
    _login(client, secretariat)
    assert client.get("/admin/").status_code == 200  # offered, not forced
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=secretariat)
    assert client.post(SETUP, {"code": _code(device)}).status_code == 200
    client.logout()
    _login(client, secretariat)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": _code(device, drift=1)}).status_code == 302
    assert client.get("/admin/").status_code == 200
    page = client.get(SETUP)
    assert 'data-testid="two-factor-on"' in page.text
    assert "10 recovery codes left" in page.text
    renewed = client.post(SETUP)
    assert renewed.status_code == 200
    assert set(renewed.context["codes"]) == set(
        StaticToken.objects.filter(device__user=secretariat).values_list(
            "token", flat=True
        )
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("board_officer", 403), ("ministry", 403)],
)
def test_the_setup_page_is_for_secretariat_and_superusers_only(
    world, client_for, role, status
):
    client = client_for(world.users[role])
    response = client.get(SETUP)
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert client.post(SETUP, {"code": "123456"}).status_code == status
    assert not TOTPDevice.objects.exists()


def test_other_roles_never_see_the_code_page(world, client_for):
    for role in ("board_officer", "ministry"):
        client = client_for(world.users[role])
        assert client.get(VERIFY)["Location"] == reverse("home")
        assert client.get(reverse("home")).status_code == 302


def test_reset_command_removes_the_devices(db):
    user = factories.user(superuser=True)
    _enrolled(user)
    two_factor.recovery_codes_renew(user=user)
    call_command("two_factor_reset", user.username, stdout=io.StringIO())
    assert not two_factor.two_factor_enrolled(user)
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert AuditEvent.objects.filter(action="two_factor.reset").count() == 1


def test_a_fixed_key_is_refused_for_real_accounts(db):
    with pytest.raises(ValueError, match="demo accounts only"):
        two_factor.totp_device_set(
            user=factories.user(superuser=True), secret="MRSW23ZNOBXXE5DB"
        )
