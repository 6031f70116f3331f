"""The API's list endpoints under a bounded loopback load, against the
trivial view of the same server in the same run: gunicorn on a throw-away
PostgreSQL holding the demo and the scale data, the ministry viewer's
session (the API's second authentication; a token costs the same one
indexed query), pages of 50 rows. Reuses bench.load's server and client.
``python -m bench.api REQUESTS BLOCS YEARS`` prints one JSON line."""

import json
import os
import socket
import subprocess
import sys
import time

from bench.common import emit
from bench.load import PY, ROOT, WORKERS, Postgres, free_port, hammer, pg_bin

ENDPOINTS = {
    "API blocs": "/api/blocs/",
    "API bloc-years": "/api/bloc-years/",
    "API rounds": "/api/rounds/",
    "API documents": "/api/documents/",
}


def prepare() -> None:
    """The ministry viewer's session cookie (inside the server's database)."""
    from bench.common import ministry_viewer, setup

    setup()
    from django.test import Client

    client = Client()
    client.force_login(ministry_viewer())
    emit({"cookie": "sessionid=" + client.cookies["sessionid"].value})


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
            # Measure the endpoints, not the throttle's refusals.
            "API_THROTTLE_USER": "1000000/min",
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
        manage("generate_scale_data", "--blocs", str(blocs), "--years", str(years))
        cookie = json.loads(
            subprocess.run(
                [PY, "-m", "bench.api", "prepare"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )["cookie"]
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
        warm = max(10, requests // 10)
        results = {}
        for name, path in [("trivial", "/bench/trivial/"), *ENDPOINTS.items()]:
            hammer(port, path, cookie, warm)
            results[name] = hammer(port, path, cookie, requests) | {"url": path}
        emit({"workers": WORKERS, "requests": requests, "pages": results})
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
