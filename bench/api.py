"""The API's list endpoints under a bounded loopback load, against the
trivial view of the same server in the same run: gunicorn on a throw-away
PostgreSQL holding the demo and the scale data, the ministry viewer's
session (the API's second authentication; a token costs the same one
indexed query), pages of 50 rows. Reuses bench.load's server and client.
``python -m bench.api REQUESTS BLOCS YEARS`` prints one JSON line."""

import sys

from bench.common import emit
from bench.load import WORKERS, interleaved, served

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
    from django.urls import resolve

    client = Client()
    client.force_login(ministry_viewer())
    # Lists kept in the pages' cache: their repeat GETs are cache hits
    # (their cold figures are the pages step's).
    cached = [
        name
        for name, path in ENDPOINTS.items()
        if getattr(resolve(path).func.cls, "cached", False)
    ]
    emit({"cookie": "sessionid=" + client.cookies["sessionid"].value, "cached": cached})


def main(requests: int, blocs: int, years: int) -> None:
    # Measure the endpoints, not the throttle's refusals.
    throttle = {"API_THROTTLE_USER": "1000000/min"}
    with served("bench.api", blocs, years, throttle) as running:
        if running is None:
            emit({"skipped": "no PostgreSQL"})
            return
        port, prepared, *_ = running
        cookie = prepared["cookie"]
        targets = [
            (name, path, cookie)
            for name, path in [("trivial", "/bench/trivial/"), *ENDPOINTS.items()]
        ]
        results = interleaved(port, targets, requests)
        emit(
            {
                "workers": WORKERS,
                "requests": requests,
                "pages": results,
                "cached": prepared["cached"],
            }
        )


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare()
    else:
        main(*map(int, sys.argv[1:4]))
