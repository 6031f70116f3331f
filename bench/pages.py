"""SQL queries and median latency of the main pages on one database
(``DATABASE_URL``), through Django's test client. ``python -m bench.pages
KIND REPS`` with KIND "demo" or "scale"; prints one JSON line."""

import sys
import time

from bench.common import (
    emit,
    login,
    measured_year,
    median,
    ministry_viewer,
    officer_for,
    secretariat_for,
    setup,
    superuser,
)


def pick_round(rounds):
    from scoring.models import VotingRound

    return (
        rounds.select_related("bloc_year")
        .exclude(status=VotingRound.Status.DRAFT)
        .order_by("on_paper", "-status", "pk")  # online, closed before open
        .first()
    )


def targets(kind: str) -> list[tuple[str, str | None, object]]:
    """(page, URL or None when the page does not exist, user)."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    from blocs.models import BlocYear
    from demodata import scale
    from scoring.models import Score, VotingRound

    bloc_year = measured_year(kind)
    submission = bloc_year.submissions.select_related("board").order_by("pk").first()
    board = submission.board
    officer = officer_for(board)
    secretariat = secretariat_for(bloc_year.bloc)
    ministry = ministry_viewer()
    score = Score.objects.filter(bloc_year=bloc_year, board=board).first()
    demo_years = BlocYear.objects.exclude(bloc__short_name__startswith=scale.PREFIX)
    voting_round = pick_round(VotingRound.objects.filter(bloc_year__in=demo_years))
    if kind == "scale" and voting_round is not None:
        # A round at the same stage and of the same form (paper or online):
        # the page shows different things for each, whatever the size. The
        # scale data votes online; without a like round, the demo's own
        # round is measured in the bigger database.
        voting_round = (
            pick_round(
                bloc_year.voting_rounds.filter(
                    status=voting_round.status, on_paper=voting_round.on_paper
                )
            )
            or voting_round
        )

    # A voter: an officer of a member board of the round's year.
    voter = voting_round and officer_for(
        voting_round.bloc_year.memberships.select_related("board")
        .order_by("board__short_name")
        .first()
        .board
    )

    def url(name, *args, query=""):
        if None in args:
            return None
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    pages = [
        ("board form", url("pledges:submission", submission.pk), officer),
        ("board page", url("blocs:board"), officer),
        ("submission list", url("admin:pledges_submission_changelist"), secretariat),
        (
            "completeness",
            url("admin:pledges_reportingyear_completeness", bloc_year.pk),
            secretariat,
        ),
        (
            "totals",
            url("admin:pledges_reportingyear_totals", bloc_year.pk),
            secretariat,
        ),
        ("scores", url("scoring:score", score.pk if score else None), officer),
        ("ranking", url("scoring:ranking", bloc_year.pk), ministry),
        (
            "voting page",
            url("scoring:round", voting_round.pk if voting_round else None),
            voter,
        ),
        ("ministry overview", url("reports:overview"), ministry),
        (
            "ministry comparison",
            url("reports:compare", query=f"?year={bloc_year.year}"),
            ministry,
        ),
        ("blocs overview", url("blocs:overview"), ministry),
        # The API's longest lists (kept in the pages' cache like the overview).
        ("API bloc-years", url("api:bloc-year-list"), ministry),
        ("API rounds", url("api:round-list"), ministry),
    ]
    admin_user = superuser()
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label_lower):
        opts = model._meta
        pages.append(
            (
                f"admin {opts.label_lower}",
                url(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
                admin_user,
            )
        )
    return pages


def measure(client, url: str, reps: int) -> dict:
    """Queries and median latency of COLD requests: each one is the first
    after a data change (every stored page forgotten, as a new data version
    does), which is what an officer's GET after a save or a reader's after
    any write meets. The cached figures of a repeated GET are kept beside."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.cache import pages_forget

    client.get(url)  # warm the process: templates, first session read
    pages_forget()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries.captured_queries)  # before the next request resets the log
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    cached_count = len(queries.captured_queries)
    cold, cached = [], []
    for _ in range(reps):
        pages_forget()
        start = time.perf_counter()
        client.get(url)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        client.get(url)
        cached.append(time.perf_counter() - start)
    return {
        "status": response.status_code,
        "queries": count,
        "queries_cached": cached_count,
        "ms": round(median(cold) * 1000, 1),
        "ms_cached": round(median(cached) * 1000, 1),
    }


def main(kind: str, reps: int) -> None:
    setup()
    from django.test import Client

    results = {}
    for name, url, user in targets(kind):
        if url is None:
            results[name] = None
            continue
        client = Client()
        login(client, user)
        results[name] = measure(client, url, reps) | {"url": url}
    emit({"kind": kind, "year": str(measured_year(kind)), "pages": results})


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
