"""Throughput under a bounded loopback load: gunicorn with a fixed number of
workers on a throw-away PostgreSQL server holding the demo and the scale
data; a fixed number of client threads (``http.client``, a logged-in session
cookie) request the board form, the ministry overview and a trivial view of
the same server, in the same run. ``python -m bench.load REQUESTS BLOCS YEARS``
prints one JSON line (``{"skipped": ...}`` without PostgreSQL binaries)."""

import glob
import http.client
import json
import os
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
    return {"rps": round(ok / seconds, 1), "ok": ok, "statuses": statuses}


def prepare() -> None:
    """Sessions for the load (run inside the server's database): the scale
    board officer of the measured year, and the ministry viewer."""
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
    emit(out)


def main(requests: int, blocs: int, years: int) -> None:
    binaries = pg_bin()
    if binaries is None:
        emit({"skipped": "no PostgreSQL"})
        return
    server = Postgres(binaries)
    gunicorn = None
    try:
        env = os.environ | {
            "DATABASE_URL": server.start(),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "LOG_LEVEL": "WARNING",
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
                [PY, "-m", "bench.load", "prepare"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
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
        cookie = prepared["board form"]["cookie"]
        warm = max(10, requests // 10)
        results = {}
        targets = [("trivial", "/bench/trivial/", cookie)]
        for name, target in prepared.items():
            if target is not None:
                targets.append((name, target["url"], target["cookie"]))
        for name, path, cookie in targets:
            hammer(port, path, cookie, warm)
            results[name] = hammer(port, path, cookie, requests) | {"url": path}
        for name in prepared:
            results.setdefault(name, None)
        emit(
            {
                "workers": WORKERS,
                "clients": CLIENTS,
                "requests": requests,
                "generate_s": round(generated),
                "blocs": blocs,
                "years": years,
                "pages": results,
            }
        )
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        server.stop()


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare()
    else:
        main(*map(int, sys.argv[1:4]))
