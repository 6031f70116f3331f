"""Password reset by e-mail: the same answer whether or not the address has an
account, throttled, and staff are told when their password changes."""

import pytest
from django.urls import reverse

from blocs.notifications.models import Delivery, Notice

DONE = "Nếu địa chỉ này thuộc về một tài khoản"


@pytest.fixture
def officer(world):
    user = world.users["board_officer"]
    user.email = "officer@bql.example.vn"
    user.save(update_fields=["email"])
    return user


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(officer, client):
    url = reverse("password_reset")
    known = client.post(url, {"email": "officer@bql.example.vn"}, follow=True)
    unknown = client.post(url, {"email": "nobody@bql.example.vn"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert DONE in known.text
    assert DONE in unknown.text
    assert list(Delivery.objects.values_list("address", flat=True)) == [
        "officer@bql.example.vn"
    ]
    # The token is made when the mail is sent, never stored.
    assert Notice.objects.get().context == {}


def test_reset_requests_are_throttled_whatever_the_address(officer, client, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    url = reverse("password_reset")
    for email in ("officer@bql.example.vn", "nobody@bql.example.vn"):
        for _ in range(2):
            assert client.post(url, {"email": email}).status_code == 302
        refused = client.post(url, {"email": email})
        assert refused.status_code == 200
        assert "Quá nhiều yêu cầu đặt lại mật khẩu" in refused.text
    assert Delivery.objects.count() == 2


def test_staff_are_told_when_their_password_changes(
    world, client, django_capture_on_commit_callbacks
):
    secretariat = world.users["secretariat"]
    secretariat.email = "vp@khoi.example.vn"
    secretariat.save(update_fields=["email"])
    client.force_login(secretariat)  # an account in use
    secretariat.refresh_from_db()
    secretariat.set_password("a-new-long-passphrase")
    with django_capture_on_commit_callbacks(execute=True):
        secretariat.save()
    notice = Notice.objects.get(user=secretariat)
    assert notice.kind == "password_changed"
    assert notice.delivery.address == "vp@khoi.example.vn"
    officer = world.users["board_officer"]  # not staff
    client.force_login(officer)
    officer.refresh_from_db()
    officer.set_password("another-long-passphrase")
    with django_capture_on_commit_callbacks(execute=True):
        officer.save()
    assert not Notice.objects.filter(user=officer).exists()
