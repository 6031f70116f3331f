"""Fault test: PostgreSQL is killed while boards save their reports through
gunicorn, then started again; no accepted save may be lost.

Starts a throw-away PostgreSQL on loopback, migrates it and loads the demo
data, serves the portal with gunicorn and production settings (DEBUG off),
then lets one client per board save its report form in a loop (1, 2, 3, ...).
Once every board has had a save accepted, the database server is killed
(`pg_ctl -m immediate stop`: no checkpoint, no goodbye to the clients, crash
recovery at the next start) and started again. Afterwards each board's stored
figure must be the last one the portal accepted (answered with a redirect)
for it, or a later one it was sent whose answer never arrived; a board that
never had a save accepted still has its figure checked (the demo's, or one it
sent). Prints saves tried / accepted / errors / lost, and each board's outcome;
exits non-zero on any lost save, if the load did not start (a board never
signalled its first accepted save), or if nothing was accepted after the
restart. Used by .ci/run.

Usage: .venv/bin/python scripts/pg_restart_check.py [--seconds 12]
"""
# ruff: noqa: S603  the commands run are our own, with fixed arguments

import argparse
import http.client
import http.cookies
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv/bin/python")
HOST = "127.0.0.1"
PASSWORD = "Kiem-thu-khoi-dong-lai-2026"  # noqa: S105  throw-away test accounts
INDICATOR = "new-projects"

SETUP = """
import json
from blocs.models import BlocYear, User
from blocs.services import user_set_role
from pledges.models import Submission
year = BlocYear.objects.get(bloc__short_name="TN-DHMT", year=2026)
out = {}
for submission in Submission.objects.filter(bloc_year=year).select_related("board"):
    name = "restart." + str(submission.board_id)
    user = User.objects.filter(username=name).first() or User(username=name)
    user.set_password(%(password)r)
    user.save()
    user_set_role(user=user, role="board_officer", bloc=None, board=submission.board)
    field = submission.values.get(indicator__code=%(indicator)r).indicator_id
    out[name] = [submission.pk, "actual_%%d" %% field]
print("JSON" + json.dumps(out))
"""

CHECK = """
import json
from pledges.models import Value
wanted = json.loads(%(wanted)r)
found = {}
for name, (pk, field) in wanted.items():
    value = Value.objects.get(submission_id=pk, indicator_id=int(field.split("_")[1]))
    found[name] = None if value.actual is None else int(value.actual)
print("JSON" + json.dumps(found))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class FormInputs(HTMLParser):
    """The inputs (name -> value) of each form of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        if not self.forms:
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
            fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data

    def form_with(self, name: str) -> dict[str, str]:
        return next((f for f in self.forms if name in f), {})


class Client:
    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=20)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
            body = urllib.parse.urlencode(body)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(header)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers, text
        finally:
            connection.close()

    def form(self, path, field):
        """GET a page; the inputs of its form that holds ``field``."""
        status, _headers, text = self.request("GET", path)
        parser = FormInputs()
        parser.feed(text)
        return status, parser.form_with(field)

    def login(self, username):
        _status, fields = self.form("/accounts/login/", "username")
        fields.update(username=username, password=PASSWORD)
        status, _headers, _text = self.request("POST", "/accounts/login/", fields)
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}")


class Worker(threading.Thread):
    """Saves one board's figure again and again: 1, 2, 3, ..."""

    def __init__(self, port, username, submission, field, stop):
        super().__init__(daemon=True)
        self.client = Client(port)
        self.username, self.path, self.field = (
            username,
            f"/submissions/{submission}/",
            field,
        )
        self.stop, self.accepted, self.errors, self.requests = stop, None, 0, 0
        self.accepted_at: list[float] = []
        self.sent: list[int] = []  # figures posted, answered or not
        self.first_error = ""
        self.ready = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.client.login(self.username)
                break
            except Exception as error:  # counted, then tried again
                self.requests += 1
                self.errors += 1
                self.first_error = self.first_error or repr(error)
                time.sleep(0.2)
        counter = 0
        while not self.stop.is_set():
            counter += 1
            self.requests += 1
            try:
                status, fields = self.client.form(self.path, self.field)
                if status != 200:
                    raise RuntimeError(status)
                fields[self.field] = str(counter)
                fields["action"] = "save"
                self.sent.append(counter)
                status, _headers, _text = self.client.request("POST", self.path, fields)
            except Exception as error:  # any failure is one counted error
                if not self.errors:
                    self.first_error = repr(error)
                self.errors += 1
                time.sleep(0.2)
                continue
            if status == 302:
                self.accepted = counter
                self.accepted_at.append(time.monotonic())
                self.ready.set()
            else:
                if not self.errors:
                    self.first_error = f"HTTP {status}"
                self.errors += 1
                time.sleep(0.2)


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout


def shell_json(env, code):
    out = manage(env, "shell", "-c", code, capture=True)
    return json.loads(out.split("JSON", 1)[1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()

    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bins:
        print("FAILED: no PostgreSQL binaries under /usr/lib/postgresql")
        return 1
    pgbin = bins[-1]
    workdir = Path(tempfile.mkdtemp(prefix="portal-restart-"))
    as_pg = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    data = workdir / "data"
    pg_port, web_port = free_port(), free_port()
    pg_opts = (
        f"-c listen_addresses={HOST} -p {pg_port} -k {workdir} -c fsync=off "
        "-c full_page_writes=off"
    )

    def pg_ctl(*more):
        subprocess.run(
            [*as_pg, str(pgbin / "pg_ctl"), "-D", str(data), *more],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    server = None
    try:
        subprocess.run(
            [*as_pg, str(pgbin / "initdb"), "-D", str(data), "--auth=trust",
             "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        log = workdir / "server.log"
        pg_ctl("-l", str(log), "-w", "-o", pg_opts, "start")
        env = os.environ | {
            "DATABASE_URL": f"postgres://postgres@{HOST}:{pg_port}/postgres",
            "DEBUG": "false",
            "SECRET_KEY": "restart-check-" + "x" * 50,
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
        }
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "createcachetable")
        manage(env, "load_demo", capture=True)  # its output is not the point
        manage(env, "collectstatic", "--no-input", "-v0")
        boards = shell_json(env, SETUP % {"password": PASSWORD, "indicator": INDICATOR})
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--bind",
             f"{HOST}:{web_port}", "--workers", "2", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=(workdir / "gunicorn.log").open("w"),
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                Client(web_port).request("GET", "/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("FAILED: gunicorn did not start")
                    print((workdir / "gunicorn.log").read_text()[-3000:])
                    return 1
                time.sleep(0.3)

        before = shell_json(env, CHECK % {"wanted": json.dumps(boards)})
        stop = threading.Event()
        workers = [
            Worker(web_port, name, pk, field, stop)
            for name, (pk, field) in boards.items()
        ]
        for worker in workers:
            worker.start()
        # The load has started only when every board has had a save accepted:
        # a board that never signals is a failed run, not one to ignore.
        deadline = time.monotonic() + 120
        for worker in workers:
            worker.ready.wait(timeout=max(0.0, deadline - time.monotonic()))
        silent = [w.username for w in workers if not w.ready.is_set()]
        if silent:
            stop.set()
            print(
                f"FAILED: the load did not start: {len(silent)} of {len(workers)} "
                f"boards had no save accepted in 120 s ({', '.join(silent)})"
            )
            for worker in workers:
                if worker.first_error:
                    print(f"  first error ({worker.username}): {worker.first_error}")
                    break
            return 1
        time.sleep(args.seconds / 3)
        kill_at = time.monotonic()
        pg_ctl("-m", "immediate", "-w", "stop")  # a crash: no shutdown checkpoint
        time.sleep(1)  # clients meet a dead server for a moment
        pg_ctl("-l", str(log), "-w", "-o", pg_opts, "start")  # crash recovery
        restarted_at = time.monotonic()
        time.sleep(args.seconds * 2 / 3)
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        hung = [w.username for w in workers if w.is_alive()]

        stored = shell_json(env, CHECK % {"wanted": json.dumps(boards)})
        outcomes = {}
        for w in workers:
            value = stored[w.username]
            if w.accepted is not None:
                # The last accepted figure, or a later one sent whose answer
                # was lost with the connection: anything else lost a save.
                later = [n for n in w.sent if n >= w.accepted]
                outcomes[w.username] = (
                    "ok"
                    if value == w.accepted
                    else "unanswered save kept"
                    if value in later
                    else "LOST"
                )
            else:
                outcomes[w.username] = (
                    "no save accepted, figure unchanged"
                    if value == before[w.username]
                    else "no save accepted, an unanswered save kept"
                    if value in w.sent
                    else "LOST"
                )
        lost = [name for name, outcome in outcomes.items() if outcome == "LOST"]
        served_after = sum(
            1 for w in workers for t in w.accepted_at if t > restarted_at
        )
        tried = sum(len(w.sent) for w in workers)
        errors = sum(w.errors for w in workers)
        accepted = sum(len(w.accepted_at) for w in workers)
        print(
            f"PostgreSQL killed under load: {len(workers)} boards, {tried} saves "
            f"tried, {accepted} accepted, {errors} errors, {len(lost)} lost; "
            f"down {restarted_at - kill_at:.1f} s, {served_after} saves accepted "
            "after the restart"
        )
        for w in workers:
            print(
                f"  {w.username:<16} tried {len(w.sent):>4}  accepted "
                f"{len(w.accepted_at):>4}  errors {w.errors:>3}  last accepted "
                f"{w.accepted}  stored {stored[w.username]}  {outcomes[w.username]}"
            )
        for worker in workers:
            if worker.first_error:
                print(f"  first error ({worker.username}): {worker.first_error}")
                break
        if lost:
            print("FAILED: lost the last accepted figure of", ", ".join(lost))
            return 1
        if hung:
            print("FAILED: boards still saving after the stop:", ", ".join(hung))
            return 1
        if not served_after:
            print("FAILED: the portal accepted nothing after the restart")
            return 1
        return 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        subprocess.run(
            [*as_pg, str(pgbin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
