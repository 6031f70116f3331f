"""Deployment for real: the release script, then gunicorn with production
settings (DEBUG off) on a loopback port, fetched like nginx would."""

import datetime as dt
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
SECRET = "k3y-" + "8f2b9c7d1e6a4f0b3c5d7e9a1b2c4d6e8f0a2b4c6d8e0f1a3b5c7"
PASSWORD = "mật khẩu đủ dài 2026"


# /healthz in the test process ----------------------------------------------


def test_healthz_answers_ok_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert reverse("healthz") == "/healthz"


def test_healthz_only_reads(client, db):
    assert client.post("/healthz").status_code == 405


def _production_env(tmp: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "TRUSTED_PROXY_COUNT": "1",
    }


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    env = _production_env(tmp_path) | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite3'}"
    }
    result = _manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.test import Client; "
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1'); "
        "print(r.status_code, r.content.decode())",
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body)["status"] == "error"
    # The failure is logged as one JSON line on stderr (a command's stdout is
    # its output).
    records = [
        json.loads(line) for line in result.stderr.splitlines() if line[:1] == "{"
    ]
    assert any(r["logger"] == "portal.health" and "exception" in r for r in records)


# gunicorn ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port: int, log: Path, env: dict[str, str]):
        self.port, self.log, self.env = port, log, env
        self.cookies: dict[str, str] = {}

    def request(self, path, *, method="GET", https=True, headers=None, form=None):
        """One request on a new connection (so workers take turns), as nginx
        would forward it; cookies kept like a browser."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}"}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://127.0.0.1:{self.port}"
        sent |= headers or {}
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response, content

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deploy")
    env = _production_env(tmp)
    release = subprocess.run(
        ["bash", "deploy/release.sh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert release.returncode == 0, release.stdout + release.stderr
    assert (tmp / "static" / "staticfiles.json").is_file()  # hashed names
    created = _manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from blocs.models import User; u = User(username='canbo'); "
        f"u.set_password({PASSWORD!r}); u.save()",
    )
    assert created.returncode == 0, created.stderr

    port = _free_port()
    log = tmp / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, log, env)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if server.request("/healthz", https=False)[0].status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_gunicorn_serves_the_login_page_with_production_headers(server):
    response, body = server.request("/accounts/login/")
    assert response.status == 200
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf_cookie = next(
        c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken=")
    )
    assert "Secure" in csrf_cookie
    assert "SameSite=Lax" in csrf_cookie
    assert "Đăng nhập".encode() in body or b"Log in" in body


def test_gunicorn_serves_hashed_static_files_compressed(server):
    _, body = server.request("/accounts/login/")
    (css,) = re.findall(rb'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body)
    response, content = server.request(
        css.decode(), headers={"Accept-Encoding": "gzip, br"}
    )
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/css")
    assert response.headers["Content-Encoding"] in {"br", "gzip"}
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert content
    # The admin's own files are there too.
    admin_js, _ = server.request("/static/admin/js/core.js")
    assert admin_js.status == 200


def test_plain_http_is_sent_to_https(server):
    response, _ = server.request("/accounts/login/", https=False)
    assert response.status == 301
    assert response.headers["Location"].startswith("https://127.0.0.1:")


def test_healthz_through_gunicorn(server):
    response, body = server.request("/healthz", https=False)
    assert response.status == 200
    assert json.loads(body) == {"status": "ok"}


def _token(body: bytes) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()


def test_login_throttle_holds_across_workers_and_processes(server):
    _, body = server.request("/accounts/login/")
    for _ in range(5):
        response, body = server.request(
            "/accounts/login/",
            method="POST",
            form={
                "username": "canbo",
                "password": "sai-mat-khau",
                "csrfmiddlewaretoken": _token(body),
            },
        )
        assert response.status == 200
    response, body = server.request(
        "/accounts/login/",
        method="POST",
        form={
            "username": "canbo",
            "password": PASSWORD,
            "csrfmiddlewaretoken": _token(body),
        },
    )
    assert response.status == 200  # not the redirect of a successful login
    assert "sessionid" not in server.cookies
    events = [r.get("event") for r in server.records() if r["logger"] == "portal.auth"]
    assert events.count("login.failed") == 5
    assert events[-1] == "login.throttled"
    assert all("password" not in r for r in server.records())
    # The lock is in the shared database cache: another process sees it.
    other = _manage(
        server.env,
        "shell",
        "--no-imports",
        "-c",
        "from blocs.backends import login_locked_until as locked; "
        "print(locked(None, 'canbo') is not None, locked(None, 'khac') is None)",
    )
    assert other.stdout.split() == ["True", "True"], other.stderr


def test_logs_are_json_lines_with_the_request_id(server):
    server.request("/accounts/login/", headers={"X-Request-ID": "nginx-req-000042"})
    records = server.records()  # every line parses as JSON
    mine = [r for r in records if r.get("request_id") == "nginx-req-000042"]
    assert [(r["logger"], r["status"], r["path"]) for r in mine] == [
        ("portal.request", 200, "/accounts/login/")
    ]
    assert any(r["logger"].startswith("gunicorn") for r in records)


def test_healthz_reports_a_worker_that_left_a_due_task_waiting(client, db, settings):
    from django_tasks_db.models import DBTaskResult

    from blocs.notifications.tasks import deliveries_send

    settings.TASKS_STALLED_MINUTES = 10
    result = deliveries_send.enqueue()
    assert client.get("/healthz").json() == {"status": "ok"}  # just enqueued
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=11)
    )
    response = client.get("/healthz")
    assert response.status_code == 200  # the pages still work
    assert response.json() == {"status": "degraded", "tasks": "stalled"}
    # A task waiting for its back-off is not late.
    DBTaskResult.objects.filter(pk=result.id).update(
        run_after=timezone.now() + dt.timedelta(minutes=5)
    )
    assert client.get("/healthz").json() == {"status": "ok"}
