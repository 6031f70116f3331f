"""The board's form, the bloc totals page and the ministry's pages run the
same number of queries on the demo as on scale data with boards renamed and
merged (dated names, successions): their queries do not grow with the number
of boards, years, former names or successions.

Each page is measured on the demo, then the scale generator adds blocs,
boards and years, boards of both are renamed and merged, and the same pages
are measured again, with those of a scale year beside them."""

import datetime as dt
import io

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs import services as bloc_services
from blocs.models import Bloc, BlocYear, Board
from pledges.models import Submission
from tests import factories

pytestmark = pytest.mark.django_db

# Upper bounds, as measured (the equality of the two data sets is the point).
LIMITS = {
    "form": 15,
    "totals": 6,
    "overview": 23,
    "overview-board": 25,
    "compare": 23,
}


def _count(client, url: str) -> int:
    for cache in caches.all():
        cache.clear()  # a cold page: its full set of queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _urls(*, bloc_year: BlocYear, submission: Submission, board: Board) -> dict:
    overview = reverse("reports:overview")
    return {
        "form": reverse("pledges:submission", args=[submission.pk]),
        "totals": reverse("admin:pledges_reportingyear_totals", args=[bloc_year.pk]),
        "overview": overview,
        "overview-board": f"{overview}?board={board.pk}&indicator=new-capital-usd",
        "compare": f"{reverse('reports:compare')}?year={bloc_year.year}",
    }


def _counts(client_for, officer, superuser, urls: dict) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        client = client_for(officer if name == "form" else superuser)
        counts[name] = _count(client, url)
    return counts


def _rename_and_merge(boards: list[Board]) -> None:
    """Former names and successions for many boards, as after 2025."""
    for n, board in enumerate(boards):
        bloc_services.board_rename(
            board=board,
            name=f"{board.name} (mới)",
            short_name=f"{board.short_name} mới",
            valid_from=dt.date(2026, 1, 1),
            actor=None,
        )
        if n % 2:
            bloc_services.board_succession_record(
                predecessor=boards[n - 1],
                successor=board,
                date=dt.date(2025, 7, 1),
                actor=None,
            )


def test_form_totals_and_ministry_pages_count_alike_on_demo_and_scale_data(
    demo, client_for
):
    superuser = factories.user(superuser=True)
    demo_year = BlocYear.objects.get(bloc__short_name="TN-DHMT", year=2026)
    demo_sub = Submission.objects.filter(bloc_year=demo_year).first()
    officer = factories.user(role="board_officer", board=demo_sub.board)
    closed = BlocYear.objects.get(bloc__short_name="TN-DHMT", year=2023)
    demo_urls = _urls(bloc_year=closed, submission=demo_sub, board=demo_sub.board)
    on_demo = _counts(client_for, officer, superuser, demo_urls)

    demo_blocs = set(Bloc.objects.values_list("pk", flat=True))
    call_command(
        "generate_scale_data",
        blocs=2,
        boards=7,
        years=2,
        indicators=10,
        last_year=2025,
        seed=7,
        stdout=io.StringIO(),
    )
    scale_boards = list(
        Board.objects.exclude(memberships__bloc_year__bloc__in=demo_blocs)
    )
    assert len(scale_boards) >= 10
    _rename_and_merge(scale_boards)
    on_scale = _counts(client_for, officer, superuser, demo_urls)
    assert on_scale == on_demo

    # A scale year's own pages count as the demo's.
    scale_year = (
        BlocYear.objects.exclude(bloc__in=demo_blocs).order_by("-year", "pk").first()
    )
    scale_sub = Submission.objects.filter(bloc_year=scale_year).first()
    scale_officer = factories.user(role="board_officer", board=scale_sub.board)
    scale_urls = _urls(
        bloc_year=scale_year, submission=scale_sub, board=scale_boards[1]
    )
    on_scale_year = _counts(client_for, scale_officer, superuser, scale_urls)
    for name in ("totals", "overview", "overview-board"):
        assert on_scale_year[name] == on_demo[name], name
    for name, limit in LIMITS.items():
        assert on_demo[name] <= limit, (name, on_demo[name], limit)
