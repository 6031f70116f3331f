"""Throughput under a bounded loopback load: gunicorn with a fixed number of
workers on a throw-away PostgreSQL server holding the demo and the scale
data, with the production database settings (persistent connections checked
before reuse); a fixed number of client threads (``http.client``, logged-in
session cookies) in the same run:
- repeat GETs of a trivial view, the board form and the ministry overview,
  alternated in turns (after a warm-up, so the last two are page-cache hits:
  what a reader reloading an unchanged page gets);
- the deadline-day mix: every officer of several blocs GETs the board's
  form, saves it, GETs it again and submits it, and a ministry reader GETs
  the overview after each of those writes. Every request of the mix is cold
  (the first after a data change, as a real user's is; the overview rebuilds
  its chart and keeps its list of blocs, which no board's save or submission
  changes, as any reader's overview would): p50, p95 and
  requests per second against the trivial view measured just before and
  after it, and the CPU a request costs the app server, the database and
  the client (``CpuMeter``), for the mix and for the trivial view.
``python -m bench.load REQUESTS BLOCS YEARS`` prints one JSON line
(``{"skipped": ...}`` without PostgreSQL binaries)."""

import contextlib
import datetime as dt
import glob
import html
import http.client
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import emit

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
WORKERS = 2
CLIENTS = 4
# Blocs whose officers take part in the deadline-day mix (every board of
# each): the first synthetic bloc stays as it was for the repeat GETs.
MIX_BLOCS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> str | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: [
            int(x) if x.isdigit() else 0 for x in p.split("/")[4].split(".")
        ],
    )
    return found[-1] if found else None


class Postgres:
    """initdb and pg_ctl as .ci/run does: loopback, trust, no fsync."""

    def __init__(self, binaries: str):
        self.bin = binaries
        self.dir = Path(tempfile.mkdtemp(prefix="portal-bench-pg-"))
        self.port = free_port()
        self.as_pg = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_pg = ["runuser", "-u", "postgres", "--"]

    def start(self) -> str:
        data = str(self.dir / "data")
        quiet = {"stdout": subprocess.DEVNULL, "check": True}
        subprocess.run(
            [
                *self.as_pg,
                f"{self.bin}/initdb",
                "-D",
                data,
                "--auth=trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            **quiet,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -k {self.dir}"
        )
        subprocess.run(
            [
                *self.as_pg,
                f"{self.bin}/pg_ctl",
                "-D",
                data,
                "-l",
                str(self.dir / "server.log"),
                "-w",
                "-t",
                "30",
                "start",
                "-o",
                options,
            ],
            **quiet,
        )
        psql = [
            f"{self.bin}/psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-qc",
        ]
        subprocess.run([*psql, "CREATE ROLE portal LOGIN PASSWORD 'portal'"], **quiet)
        subprocess.run([*psql, "CREATE DATABASE portal OWNER portal"], **quiet)
        return f"postgres://portal:portal@127.0.0.1:{self.port}/portal"

    def pid(self) -> int:
        """The postmaster's process id (first line of postmaster.pid)."""
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        subprocess.run(
            [
                *self.as_pg,
                f"{self.bin}/pg_ctl",
                "-D",
                str(self.dir / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


class CpuMeter:
    """CPU seconds spent by the app server (gunicorn's master and workers),
    the database server (the postmaster and its backends) and this process
    (the client threads), read from /proc: where a request's cost goes, the
    parts a benchmark ratio alone does not tell apart. A process tree's
    figure includes its children that have exited (cutime, cstime)."""

    def __init__(self, app_pid: int, database_pid: int):
        self.roots = {"app": app_pid, "database": database_pid}
        self.tick = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _stat(pid: int) -> list[str]:
        # The command name, in parentheses, may hold spaces: split after it.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    def _tree(self, root: int) -> float:
        ticks = sum(int(x) for x in self._stat(root)[11:15])
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = self._stat(int(stat.parent.name))
            except (OSError, ValueError):
                continue  # a process that ended meanwhile
            if int(fields[1]) == root:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / self.tick

    def snapshot(self) -> dict[str, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        return {
            **{part: self._tree(pid) for part, pid in self.roots.items()},
            "client": own.ru_utime + own.ru_stime,
        }

    @staticmethod
    def per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request, by part."""
        return {
            part: round((after[part] - before[part]) * 1000 / max(requests, 1), 2)
            for part in before
        }


def hammer(port: int, path: str, cookie: str, requests: int) -> dict:
    """``requests`` GETs by CLIENTS threads, each a new connection (gunicorn's
    sync workers close after each response); requests per second."""
    lock = threading.Lock()
    todo = list(range(requests))
    statuses: dict[int, int] = {}

    def client():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
            finally:
                connection.close()
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    ok = statuses.get(200, 0)
    return {
        "rps": round(ok / seconds, 1),
        "ok": ok,
        "seconds": seconds,
        "statuses": statuses,
    }


# The trivial view's requests just before and just after the mix, each side:
# some 2 to 3 s of this machine, as the mix's own 8 s are several seconds.
# With a quick run's 50 a side (0.2 s) one slow moment of a shared machine
# moved the mix's ratio by 0.05 either way.
MIX_REFERENCE = 600

# Turns in which ``interleaved`` alternates its targets.
ROUNDS = 5


def interleaved(
    port: int,
    targets: list[tuple[str, str, str]],
    requests: int,
    meter: CpuMeter | None = None,
) -> dict:
    """``requests`` GETs to each (name, path, cookie) target, in ROUNDS turns
    that take the targets one after the other, after one warm-up each: the
    machine's other work changes over a run, and alternating puts the same
    share of it on the trivial view as on the pages compared with it (one
    block per target put it all on whichever ran at a busy moment). A
    target's rate is its successful requests over its own seconds; with a
    ``meter``, its CPU per request by part (``CpuMeter``) too."""
    for _name, path, cookie in targets:
        hammer(port, path, cookie, max(10, requests // 10))
    totals = {
        name: {"ok": 0, "seconds": 0.0, "statuses": {}, "cpu": {}}
        for name, *_ in targets
    }
    share = [requests // ROUNDS + (i < requests % ROUNDS) for i in range(ROUNDS)]
    for turn in share:
        for name, path, cookie in targets:
            before = meter.snapshot() if meter else {}
            result, total = hammer(port, path, cookie, turn), totals[name]
            after = meter.snapshot() if meter else {}
            for part, spent in before.items():
                total["cpu"][part] = total["cpu"].get(part, 0) + after[part] - spent
            total["ok"] += result["ok"]
            total["seconds"] += result["seconds"]
            for status, n in result["statuses"].items():
                total["statuses"][status] = total["statuses"].get(status, 0) + n
    results = {}
    for (name, path, _cookie), total in zip(targets, totals.values(), strict=True):
        cpu = total.pop("cpu")
        results[name] = total | {
            "rps": round(total["ok"] / total["seconds"], 1),
            "url": path,
            "cpu_ms": {
                part: round(seconds * 1000 / max(total["ok"], 1), 2)
                for part, seconds in cpu.items()
            },
        }
    return results


FORM = re.compile(r"<form\b(?![^>]*\baction=)[^>]*>(.*?)</form>", re.S)
FIELD = re.compile(r"<input\b([^>]*)>|<(textarea|select)\b([^>]*)>(.*?)</\2>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
SELECTED = re.compile(r"<option\b([^>]*\bselected\b[^>]*)>")


def form_fields(page: str) -> dict[str, str]:
    """The fields of the report form (the page's form without an action) as
    a browser would post them: enabled inputs, checked boxes, textareas and
    the selected options. Regular expressions over the markup the portal
    writes, not a general HTML parser: the client shares the server's two
    cores, and ``html.parser`` took 17 ms per form page, a third of what
    the server spent on it."""
    form = FORM.search(page)
    fields: dict[str, str] = {}
    for inputs, tag, attributes, content in FIELD.findall(
        form.group(1) if form else ""
    ):
        a = dict(ATTRIBUTE.findall(inputs or attributes))
        name = html.unescape(a.get("name", ""))
        if not name or "disabled" in a:
            continue
        if tag == "textarea":
            # A newline right after the start tag is not part of the value.
            text = html.unescape(content)
            fields[name] = text[1:] if text.startswith("\n") else text
        elif tag == "select":
            chosen = SELECTED.search(content)
            value = dict(ATTRIBUTE.findall(chosen.group(1))) if chosen else {}
            fields[name] = html.unescape(value.get("value", ""))
        else:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file") or (
                kind in ("checkbox", "radio") and "checked" not in a
            ):
                continue
            fields[name] = html.unescape(a.get("value", ""))
    return fields


def request(port, method, path, cookie, body=None):
    """One request on a new connection: (status, seconds, body, headers)."""
    headers = {"Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        status, got = response.status, response.getheaders()
    except OSError:
        status, data, got = 0, b"", []
    finally:
        connection.close()
    return status, time.perf_counter() - start, data, got


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def deadline_day(port: int, officers: list[dict], reader: dict) -> dict:
    """CLIENTS threads take officers from a queue; each officer GETs the
    form, saves it (a note changed), GETs it again and submits it, and the
    ministry reader GETs the overview after each write (which changed its
    data version). Only the form's own answers count: a save or a submit
    must redirect (302), a GET answer 200."""
    from urllib.parse import urlencode

    lock = threading.Lock()
    todo = list(officers)
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    statuses: dict[str, int] = {}

    def record(kind, status, seconds, expected):
        with lock:
            times.append(seconds)
            by_kind.setdefault(kind, []).append(seconds)
            key = f"{kind} {status}"
            statuses[key] = statuses.get(key, 0) + 1
        return status == expected

    def form_of(officer):
        status, seconds, body, headers = request(
            port, "GET", officer["url"], officer["cookie"]
        )
        if not record("get", status, seconds, 200):
            return None, None
        csrf = next(
            (
                v.split(";")[0].split("=", 1)[1]
                for k, v in headers
                if k.lower() == "set-cookie" and v.startswith("csrftoken=")
            ),
            None,
        )
        return form_fields(body.decode()), csrf

    def post(officer, fields, csrf, action):
        cookie = officer["cookie"] + (f"; csrftoken={csrf}" if csrf else "")
        body = urlencode({**fields, "action": action})
        status, seconds, _body, _headers = request(
            port, "POST", officer["url"], cookie, body
        )
        record(action, status, seconds, 302)
        status, seconds, _body, _headers = request(
            port, "GET", reader["url"], reader["cookie"]
        )
        record("reader", status, seconds, 200)

    def client():
        while True:
            with lock:
                if not todo:
                    return
                officer = todo.pop()
            fields, csrf = form_of(officer)
            if fields is None:
                continue
            note = next((k for k in sorted(fields) if k.startswith("note_")), None)
            if note:
                fields[note] = "Giải trình gửi ngày cuối (bench)."
            post(officer, fields, csrf, "save")
            fields, csrf = form_of(officer)
            if fields is not None:
                post(officer, fields, csrf, "submit")

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    ok = sum(n for key, n in statuses.items() if key.split()[1] in ("200", "302"))
    failed = sum(statuses.values()) - ok
    return {
        "officers": len(officers),
        "requests": sum(statuses.values()),
        "ok": ok,
        "failed": failed,
        "rps": round(ok / seconds, 1),
        "p50_ms": round(percentile(times, 0.5) * 1000),
        "p95_ms": round(percentile(times, 0.95) * 1000),
        "p50_ms_by_kind": {
            kind: round(percentile(values, 0.5) * 1000)
            for kind, values in by_kind.items()
        },
        "statuses": statuses,
    }


def reopen_for_deadline_day(blocs: int) -> list:
    """Set-up, not measured: the last year of ``blocs`` synthetic blocs
    (after the first) back to reporting, deadline a month away, its reports
    back to draft, so that their officers may save and submit."""
    from blocs.models import BlocYear
    from demodata import scale
    from pledges.models import Submission

    synthetic = BlocYear.objects.filter(bloc__short_name__startswith=scale.PREFIX)
    last = max(synthetic.values_list("year", flat=True))
    years = synthetic.filter(year=last).order_by("bloc__short_name")[1 : 1 + blocs]
    chosen = list(years.values_list("pk", flat=True))
    BlocYear.objects.filter(pk__in=chosen).update(
        status=BlocYear.Status.REPORTING,
        reporting_deadline=dt.date.today() + dt.timedelta(days=30),  # noqa: DTZ011
    )
    reports = Submission.objects.filter(bloc_year__in=chosen)
    reports.update(status=Submission.Status.DRAFT)
    return list(reports.select_related("board").order_by("pk"))


def prepare() -> None:
    """Sessions for the load (run inside the server's database): the scale
    board officer of the measured year, the ministry viewer, and the
    officers of the deadline-day mix."""
    from bench.common import measured_year, ministry_viewer, officer_for, setup

    setup()
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    year = measured_year("scale")
    sub = year.submissions.select_related("board").order_by("pk").first()
    out = {}
    for name, user, url_name, args in [
        ("board form", officer_for(sub.board), "pledges:submission", [sub.pk]),
        ("ministry overview", ministry_viewer(), "reports:overview", []),
    ]:
        try:
            url = reverse(url_name, args=args)
        except NoReverseMatch:
            out[name] = None
            continue
        client = Client()
        client.force_login(user)
        cookie = "sessionid=" + client.cookies["sessionid"].value
        out[name] = {"url": url, "cookie": cookie}
    mix = []
    for report in reopen_for_deadline_day(MIX_BLOCS):
        client = Client()
        client.force_login(officer_for(report.board))
        mix.append(
            {
                "url": reverse("pledges:submission", args=[report.pk]),
                "cookie": "sessionid=" + client.cookies["sessionid"].value,
            }
        )
    emit({"pages": out, "mix": mix})


ANALYZE = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('VACUUM ANALYZE')"
)


@contextlib.contextmanager
def served(module: str, blocs: int, years: int, env_extra: dict | None = None):
    """A throw-away PostgreSQL holding the demo and the scale data, the
    ``prepare()`` of ``module`` run inside it, and gunicorn with the bench
    settings in front of it; yields ``(port, prepared, generate_seconds,
    CpuMeter)``,
    or ``None`` without PostgreSQL binaries. Everything stops on exit."""
    binaries = pg_bin()
    if binaries is None:
        yield None
        return
    server = Postgres(binaries)
    gunicorn = None
    try:
        env = os.environ | {
            "DATABASE_URL": server.start(),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "LOG_LEVEL": "WARNING",
            **(env_extra or {}),
        }
        env.pop("DEBUG", None)

        def manage(*args):
            subprocess.run(
                [PY, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )

        manage("migrate", "--no-input", "-v0")
        manage("createcachetable")
        manage("load_demo")
        started = time.perf_counter()
        manage("generate_scale_data", "--blocs", str(blocs), "--years", str(years))
        generated = time.perf_counter() - started
        prepared = json.loads(
            subprocess.run(
                [PY, "-m", module, "prepare"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        # The planner's statistics, as autovacuum gathers them within a
        # minute of a bulk load in any running database: measured right
        # after the load, every query would be planned blind (a 1 ms read
        # of a bloc's figures took 17 ms as nested loops over guesses).
        manage("shell", "-c", ANALYZE)
        port = free_port()
        gunicorn = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "bench.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port, prepared, generated, CpuMeter(gunicorn.pid, server.pid())
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        server.stop()


def main(requests: int, blocs: int, years: int) -> None:
    with served("bench.load", blocs, years) as running:
        if running is None:
            emit({"skipped": "no PostgreSQL"})
            return
        port, prepared, generated, meter = running
        pages, mix = prepared["pages"], prepared["mix"]
        cookie = pages["board form"]["cookie"]
        targets = [("trivial", "/bench/trivial/", cookie)]
        for name, target in pages.items():
            if target is not None:
                targets.append((name, target["url"], target["cookie"]))
        results = interleaved(port, targets, requests, meter)
        for name in pages:
            results.setdefault(name, None)
        reader = pages["ministry overview"]
        day = None
        if reader and mix:
            # The mix's own reference: the trivial view just before and just
            # after it, so that it shares the mix's moment of the machine.
            cpu = meter.snapshot()
            before = hammer(port, "/bench/trivial/", cookie, MIX_REFERENCE)
            cpu_day = meter.snapshot()
            day = deadline_day(port, mix, reader)
            cpu_after_day = meter.snapshot()
            after = hammer(port, "/bench/trivial/", cookie, MIX_REFERENCE)
            cpu_end = meter.snapshot()
            trivial_cpu = meter.per_request(cpu, cpu_day, before["ok"])
            trivial_after = meter.per_request(cpu_after_day, cpu_end, after["ok"])
            day["cpu_ms"] = meter.per_request(cpu_day, cpu_after_day, day["ok"])
            day["trivial_cpu_ms"] = {
                part: round((trivial_cpu[part] + trivial_after[part]) / 2, 2)
                for part in trivial_cpu
            }
            day["trivial_rps"] = round(
                (before["ok"] + after["ok"]) / (before["seconds"] + after["seconds"]),
                1,
            )
        emit(
            {
                "workers": WORKERS,
                "clients": CLIENTS,
                "requests": requests,
                "generate_s": round(generated),
                "blocs": blocs,
                "years": years,
                "pages": results,
                "deadline_day": day,
            }
        )


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare()
    else:
        main(*map(int, sys.argv[1:4]))
