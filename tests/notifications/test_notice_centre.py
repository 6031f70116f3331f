"""The bell and the notice list: each user's own notices, following reads,
in a fixed number of queries."""

import pytest
from django.urls import reverse

from blocs.notifications import services
from blocs.notifications.models import Notice
from pledges import notices

ROLES = ["board_officer", "secretariat", "ministry", "superuser"]


def _tell(user, n=1, board="BQL A"):
    for _ in range(n):
        services.notify(
            users=[user],
            kind=notices.REPORT_APPROVED,
            context={"board": board, "year": "2026"},
            link=reverse("home"),
        )


def _bell(page) -> str:
    return page.text.split('data-unread="')[1].split('"')[0]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_own_notices(world, client_for, role):
    user = world.users[role]
    _tell(user, 2, board="BQL của tôi")
    for other in ROLES:
        if other != role:
            _tell(world.users[other], 1, board=f"BQL của {other}")
    page = client_for(user).get(reverse("notifications:list"))
    assert page.status_code == 200
    assert page.text.count("BQL của tôi") == 2
    assert "BQL của " + (ROLES[0] if role != ROLES[0] else ROLES[1]) not in page.text
    assert _bell(page) == "2"


def test_anonymous_is_sent_to_the_login(client):
    for name in ("notifications:list", "notifications:preferences"):
        page = client.get(reverse(name))
        assert page.status_code == 302
        assert page.url.startswith(reverse("login"))
    page = client.post(reverse("notifications:read"))
    assert page.status_code == 302
    assert page.url.startswith(reverse("login"))


def test_the_bell_follows_reads(world, client_for):
    officer = world.users["board_officer"]
    _tell(officer, 3)
    client = client_for(officer)
    assert _bell(client.get(reverse("blocs:board"))) == "3"
    first = Notice.objects.filter(user=officer).first()
    opened = client.post(reverse("notifications:open", args=[first.pk]))
    assert opened.status_code == 302
    assert opened.url == reverse("home")
    assert _bell(client.get(reverse("blocs:board"))) == "2"
    client.post(reverse("notifications:read"))
    page = client.get(reverse("notifications:list"))
    assert _bell(page) == "0"
    assert 'class="notice unread"' not in page.text


def test_nobody_opens_or_reads_anothers_notice(world, client_for):
    officer, secretariat = world.users["board_officer"], world.users["secretariat"]
    _tell(officer)
    notice = Notice.objects.get(user=officer)
    client = client_for(secretariat)
    assert client.post(reverse("notifications:open", args=[notice.pk])).status_code == (
        404
    )
    client.post(reverse("notifications:read"), {"notice": [notice.pk]})
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_admin_header_has_the_bell(world, client_for):
    _tell(world.users["secretariat"], 2)
    page = client_for(world.users["secretariat"]).get(reverse("admin:index"))
    assert 'class="bell"' in page.text
    assert '<span class="count">2</span>' in page.text


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries, count
):
    officer = world.users["board_officer"]
    _tell(officer, count)
    client = client_for(officer)
    with django_assert_max_num_queries(6):
        client.get(reverse("notifications:list"))


def test_preferences_are_saved_and_bad_input_changes_nothing(world, client_for):
    ministry = world.users["ministry"]
    client = client_for(ministry)
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200
    page = client.post(url, {"language": "fr", "blocs": [world.own.pk]})
    assert page.status_code == 200
    assert "fr" in page.text  # the error names the refused choice
    assert not ministry.bloc_subscriptions.exists()
    client.post(url, {"language": "en", "blocs": [world.own.pk]})
    assert ministry.notice_preference.language == "en"
    assert list(ministry.bloc_subscriptions.values_list("bloc", flat=True)) == [
        world.own.pk
    ]
