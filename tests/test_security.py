"""Security: response headers and CSP, login throttling, passwords, sessions."""

import datetime as dt
import logging
from html.parser import HTMLParser

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pledges import services as pledge_services
from tests import factories
from tests.pledges.conftest import submission_of

PASSWORD = "pw-for-tests-only"  # tests/factories.py


@pytest.fixture
def reporting(world):
    """world.own_year with its catalogue, submissions and pledge."""
    year = world.own_year
    pledge_services.indicators_copy(bloc_year=year, actor=None)
    pledge_services.submissions_prepare(bloc_year=year, actor=None)
    pledge_services.pledge_create(bloc_year=year, actor=None)
    return world


class _Page(HTMLParser):
    """The page's <script> elements, inline <style> blocks and style="" ones."""

    def __init__(self, text):
        super().__init__()
        self.scripts, self.style_blocks, self.style_attrs = [], 0, 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "style":
            self.style_blocks += 1
        if "style" in attrs:
            self.style_attrs += 1


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def _assert_hardened(response, *, inline_styles=False, framed_by_self=False):
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == (["'self'"] if framed_by_self else ["'none'"])
    assert csp["base-uri"] == ["'none'"]
    assert ("'unsafe-inline'" in csp["style-src"]) is inline_styles
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == ("SAMEORIGIN" if framed_by_self else "DENY")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def _board_form(reporting, client_for, **extra):
    officer = reporting.users["board_officer"]
    sub = submission_of(reporting, officer.board)
    client = client_for(officer)
    return client.get(reverse("pledges:submission", args=[sub.pk]), **extra)


# Headers ------------------------------------------------------------------


def test_login_page_carries_strict_csp_and_security_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    response = client.get(reverse("login"))
    assert response.status_code == 200
    _assert_hardened(response)
    # HSTS only over HTTPS: a browser ignores it on plain HTTP anyway.
    assert "Strict-Transport-Security" not in response
    secure = client.get(reverse("login"), secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")
    assert len(response["X-Request-ID"]) >= 8


def test_board_form_carries_strict_csp_and_hsts(reporting, client_for, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = _board_form(reporting, client_for, secure=True)
    assert response.status_code == 200
    _assert_hardened(response)
    assert response["Strict-Transport-Security"] == (
        "max-age=3600; includeSubDomains; preload"
        if settings.SECURE_HSTS_PRELOAD
        else "max-age=3600; includeSubDomains"
    )


def test_proxy_header_makes_a_request_https(db, client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get(reverse("login"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    proxied = client.get(reverse("login"), headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert "Strict-Transport-Security" in proxied
    # The load balancer's health check is not redirected.
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("which", ["login", "board_form"])
def test_site_pages_need_no_inline_script_or_style(
    reporting, client_for, client, which
):
    """The strict policy blocks inline code: the pages must not rely on any."""
    if which == "login":
        response = client.get(reverse("login"))
    else:
        response = _board_form(reporting, client_for)
    parsed = _Page(response.text)
    assert all("src" in script for script in parsed.scripts)
    assert (parsed.style_blocks, parsed.style_attrs) == (0, 0)


@pytest.mark.parametrize(
    "url",
    [
        "admin:pledges_submission_change",
        "admin:pledges_value_import",
        "admin:pledges_value_export",
    ],
)
def test_admin_pages_load_their_scripts_from_files(reporting, client_for, url):
    """script-src 'self' without 'unsafe-inline' still runs the admin: every
    script it writes has a src on this site or is JSON data, never code."""
    client = client_for(reporting.users["secretariat"])
    args = [submission_of(reporting, reporting.own_boards[0]).pk]
    response = client.get(reverse(url, args=args if "change" in url else None))
    assert response.status_code == 200
    _assert_hardened(response, inline_styles=True)
    scripts = _Page(response.text).scripts
    assert scripts, "the admin page loads JavaScript"
    for script in scripts:
        if "src" in script:
            assert script["src"].startswith(("/static/", "/admin/")), script
        else:
            assert script.get("type") == "application/json", script
    for script in (s for s in scripts if "src" in s):
        assert client.get(script["src"]).status_code == 200, script["src"]


def test_document_preview_may_style_but_not_script(reporting, client_for):
    """The preview is the PDF's HTML (a <style> block for the A4 page): inline
    styles allowed there, scripts still only from this site; only this site's
    own pages (the sections editor) may frame it."""
    client = client_for(reporting.users["secretariat"])
    url = reverse("reports:preview", args=[reporting.own_year.pk, "pledge"])
    response = client.get(url)
    assert response.status_code == 200
    _assert_hardened(response, inline_styles=True, framed_by_self=True)
    assert _Page(response.text).style_blocks >= 1


# Login throttling ----------------------------------------------------------


class Clock:
    """timezone.now() under the test's control (the cache expiry reads it too)."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _login(client, username, password, *, url="login", **extra):
    return client.post(
        reverse(url), {"username": username, "password": password}, **extra
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client, username, times, **extra):
    for _ in range(times):
        response = _login(client, username, "wrong-password", **extra)
        assert response.status_code == 200
        assert response.context["form"].has_error("__all__", "invalid_login")


def test_sixth_attempt_is_refused_even_with_the_right_password(world, client, clock):
    officer = world.users["board_officer"]
    _fail(client, officer.username, 5)
    clock.advance(minutes=1)
    response = _login(client, officer.username, PASSWORD)
    assert response.status_code == 200
    assert not _logged_in(client)
    form = response.context["form"]
    assert form.has_error("__all__", "throttled")
    # The page says until when (Vietnamese time): 15 minutes after the 5th.
    until = timezone.localtime(clock.now + dt.timedelta(minutes=14))
    assert until.strftime("%H:%M") in response.text


def test_lock_ends_after_the_window(world, client, clock):
    officer = world.users["board_officer"]
    _fail(client, officer.username, 5)
    clock.advance(minutes=14, seconds=59)
    _login(client, officer.username, PASSWORD)
    assert not _logged_in(client)
    clock.advance(seconds=2)
    response = _login(client, officer.username, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_failures_spread_beyond_the_window_do_not_lock(world, client, clock):
    officer = world.users["board_officer"]
    for _ in range(3):
        _fail(client, officer.username, 2)
        clock.advance(minutes=10)
    assert _login(client, officer.username, PASSWORD).status_code == 302


def test_other_users_are_not_affected(world, client, clock):
    officer = world.users["board_officer"]
    _fail(client, officer.username, 5)
    assert _login(client, officer.username, PASSWORD).status_code == 200
    other = world.users["secretariat"]
    assert _login(client, other.username, PASSWORD).status_code == 302


def test_success_forgets_earlier_failures(world, client, clock):
    officer = world.users["board_officer"]
    _fail(client, officer.username, 4)
    assert _login(client, officer.username, PASSWORD).status_code == 302
    client.logout()
    _fail(client, officer.username, 4)
    assert _login(client, officer.username, PASSWORD).status_code == 302


def test_lock_does_not_tell_whether_the_user_exists(world, client, clock):
    real = world.users["board_officer"].username
    answers = []
    for username in (real, "no-such-user"):
        _fail(client, username, 5)
        response = _login(client, username, PASSWORD)
        answers.append(
            (response.status_code, response.context["form"].errors.as_data())
        )
    (status_a, errors_a), (status_b, errors_b) = answers
    assert status_a == status_b == 200
    assert [e.code for e in errors_a["__all__"]] == ["throttled"]
    assert [e.message for e in errors_a["__all__"]] == [
        e.message for e in errors_b["__all__"]
    ]


def test_username_case_does_not_escape_the_lock(world, client, clock):
    officer = world.users["board_officer"]
    _fail(client, officer.username.upper(), 5)
    assert _login(client, officer.username, PASSWORD).status_code != 302


def test_one_address_guessing_many_usernames_is_locked(world, client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 8
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for n in range(8):
        _fail(client, f"guess{n}", 1, **attacker)
    officer = world.users["board_officer"]
    refused = _login(client, officer.username, PASSWORD, **attacker)
    assert refused.context["form"].has_error("__all__", "throttled")
    # The same officer from another computer behind the same proxy logs in.
    office = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert _login(client, officer.username, PASSWORD, **office).status_code == 302


def test_client_address_ignores_what_the_client_adds_to_the_header(
    world, client, settings
):
    """With one proxy only its entry counts: a forged left part changes nothing."""
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 3
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        forged = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{n}, 203.0.113.9"}
        _fail(client, f"guess{n}", 1, **forged)
    refused = _login(
        client,
        world.users["board_officer"].username,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.9",
    )
    assert refused.context["form"].has_error("__all__", "throttled")


def test_admin_login_is_throttled_too(world, client, clock):
    admin = world.users["superuser"]
    for _ in range(5):
        response = _login(client, admin.username, "wrong", url="admin:login")
        assert response.status_code == 200
    response = _login(client, admin.username, PASSWORD, url="admin:login")
    assert response.context["form"].has_error("__all__", "throttled")
    assert not _logged_in(client)


def test_failed_and_throttled_logins_are_logged_without_password(
    world, client, clock, caplog
):
    officer = world.users["board_officer"]
    secret = "s3cret-guess-never-logged"
    with caplog.at_level(logging.WARNING, logger="portal.auth"):
        for _ in range(5):
            _login(client, officer.username, secret)
        _login(client, officer.username, PASSWORD)
    events = [r.event for r in caplog.records if r.name == "portal.auth"]
    assert events.count("login.failed") == 5
    assert "login.locked" in events
    assert events[-1] == "login.throttled"
    assert all(r.username == officer.username for r in caplog.records)
    assert all(r.ip == "127.0.0.1" for r in caplog.records)
    for record in caplog.records:
        text = str(record.__dict__)
        assert secret not in text
        assert PASSWORD not in text


def test_throttle_state_lives_in_the_shared_database_cache(world, client, clock):
    """Every gunicorn worker reads the same counts: they are rows in the
    database cache table, not memory of one process."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    cache = caches["default"]
    assert isinstance(cache, DatabaseCache)
    _fail(client, world.users["board_officer"].username, 5)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {cache._table}")  # noqa: S608
        keys = [row[0] for row in cursor.fetchall()]
    assert any(":lock" in key for key in keys)


# Passwords and sessions ----------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Sh0rt-pass", "password_too_short"),  # 10 characters
        ("password1234", "password_too_common"),
        ("429183756012", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused(db, password, code):
    user = factories.user(username="nguyenvana", first_name="Văn A")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in [e.code for e in refused.value.error_list]


def test_password_like_the_username_is_refused(db):
    user = factories.user(username="bql.dungquat.hcm")
    with pytest.raises(ValidationError) as refused:
        validate_password("bql.dungquat.hcm1", user)
    assert "password_too_similar" in [e.code for e in refused.value.error_list]


def test_long_passphrase_is_accepted_through_the_form(db):
    user = factories.user()
    weak = SetPasswordForm(user, {"new_password1": "abc12", "new_password2": "abc12"})
    assert not weak.is_valid()
    phrase = "mùa lúa chín vàng 2026"
    form = SetPasswordForm(user, {"new_password1": phrase, "new_password2": phrase})
    assert form.is_valid(), form.errors
    form.save()
    user.refresh_from_db()
    assert user.check_password(phrase)


def test_session_ends_with_the_browser_and_after_a_working_day(world, client):
    officer = world.users["board_officer"]
    response = _login(client, officer.username, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # No Max-Age/Expires: the browser forgets it when closed.
    assert (cookie["max-age"], cookie["expires"]) == ("", "")
    assert client.session.get_expiry_age() == 8 * 60 * 60


# Request logs -----------------------------------------------------------------


def test_request_log_names_the_user_without_a_query_of_its_own(
    reporting, client_for, caplog, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = reporting.users["board_officer"]
    with caplog.at_level(logging.INFO, logger="portal.request"):
        _board_form(reporting, client_for, headers={"X-Request-ID": "req-12345678"})
    (record,) = [r for r in caplog.records if r.name == "portal.request"]
    assert (record.request_id, record.user, record.status) == (
        "req-12345678",
        officer.pk,
        200,
    )
    assert record.path == reverse(
        "pledges:submission", args=[submission_of(reporting, officer.board).pk]
    )
    counts = []
    for enabled in (True, False):
        settings.LOG_REQUESTS = enabled
        with CaptureQueriesContext(connection) as queries:
            _board_form(reporting, client_for)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_anonymous_request_is_logged_without_user(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="portal.request"):
        response = client.get(reverse("login"), headers={"X-Request-ID": "bad id!"})
    (record,) = [r for r in caplog.records if r.name == "portal.request"]
    assert record.user is None
    # A header that is not a plain token is replaced, not logged as sent.
    assert record.request_id == response["X-Request-ID"] != "bad id!"
