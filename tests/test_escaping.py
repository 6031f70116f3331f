"""Text that users type is shown as text everywhere: on every page of every
role, in the four PDFs and in the SVG chart.

Two payloads go into every free text a user enters (names of the bloc and its
boards, the year's place and note, indicator and rule names, the pledge and
its commitments, notes and text answers, review reasons, assessment comments,
round titles, evidence file names, people's names, legal bases); then every
URL of the project is fetched as each role and no HTML answer may contain a
payload as it was typed.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blocs import services as blocs
from blocs.models import User
from pledges import services as pledges
from pledges.models import Commitment, Indicator, Pledge, Submission, ValidationRule
from reports import documents
from reports.models import LegalBasis
from scoring import services as scoring
from scoring.models import Criterion, Score
from tests import factories
from tests.reports.test_documents import pdf_text
from tests.test_url_walk import ROLES, _objects, _patterns

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, ATTRIBUTE)
KINDS = ["pledge", "summary", "minutes", "nomination"]


def _entries(submission, *, text: str) -> dict:
    entries = {}
    for value in submission.values.select_related("indicator"):
        ind = value.indicator
        figures = {"new-projects": (10, 12), "new-projects-fdi": (None, 12)}
        plan, actual = figures.get(ind.code, (value.plan, value.actual))
        entries[ind.pk] = pledges.Entry(
            plan=plan if ind.has_plan else value.plan,
            actual=actual,
            text=text if ind.kind == Indicator.Kind.TEXT else "",
            note=text,
        )
    return entries


def _poison(world) -> dict:
    """Every free text of the own bloc's year set to a payload, through the
    services where one exists (the admin's change forms save the others)."""
    year = world.own_year
    blocs.bloc_upsert(
        short_name=world.own.short_name,
        name=f"Khối {SCRIPT}",
        region=ATTRIBUTE,
        note=SCRIPT,
    )
    for n, board in enumerate(world.own_boards):
        blocs.board_upsert(
            short_name=board.short_name,
            name=f"Ban {ATTRIBUTE} {n}",
            note=SCRIPT,
        )
    # A member whose short name (lists, charts, ballots) is a payload.
    named = factories.board(short_name=f"{SCRIPT} BQL", name=f"{SCRIPT} Ban")
    blocs.membership_set(bloc_year=year, board=named)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    year = blocs.bloc_year_upsert(
        bloc=year.bloc, year=year.year, conference_place=ATTRIBUTE, note=SCRIPT
    )
    Indicator.objects.filter(bloc_year=year, code="new-projects").update(
        name=f"Dự án {SCRIPT}", help_text=ATTRIBUTE
    )
    ValidationRule.objects.filter(bloc_year=year).update(name=f"Quy tắc {ATTRIBUTE}")
    Pledge.objects.filter(bloc_year=year).update(title=f"Giao ước {SCRIPT}")
    Commitment.objects.filter(pledge__bloc_year=year).update(text=ATTRIBUTE)
    LegalBasis.objects.update(citation=f"Luật {SCRIPT}")
    secretariat = world.users["secretariat"]
    User.objects.filter(pk=secretariat.pk).update(
        first_name=SCRIPT, last_name=ATTRIBUTE
    )
    secretariat.refresh_from_db()

    # Notes and answers, then a return and a reopening with their reasons.
    officers = {
        b.pk: factories.user(role="board_officer", board=b) for b in world.own_boards
    }
    officers[world.users["board_officer"].board_id] = world.users["board_officer"]
    officers[named.pk] = factories.user(role="board_officer", board=named)
    for board in [*world.own_boards, named]:
        sub = Submission.objects.get(bloc_year=year, board=board)
        pledges.submission_save(
            submission=sub,
            actor=officers[board.pk],
            expected_version=sub.version,
            entries=_entries(sub, text=SCRIPT),
        )
    neighbour = Submission.objects.get(bloc_year=year, board=world.own_boards[0])
    neighbour = pledges.submission_submit(
        submission=neighbour,
        actor=officers[world.own_boards[0].pk],
        expected_version=neighbour.version,
    )
    indicator = Indicator.objects.get(bloc_year=year, code="new-projects")
    pledges.submission_return(
        submission=neighbour,
        actor=secretariat,
        reason=f"Lý do {SCRIPT}",
        indicator_ids=[indicator.pk],
    )
    own = Submission.objects.get(
        bloc_year=year, board=world.users["board_officer"].board
    )
    pledges.evidence_add(
        submission=own,
        actor=world.users["board_officer"],
        expected_version=own.version,
        upload=SimpleUploadedFile(f"{ATTRIBUTE}.pdf", b"%PDF-1.4 test"),
    )

    # A comment on an assessment; a closed round titled with a payload.
    c1 = Criterion.objects.get(scale__bloc_year=year, code="C1")
    scoring.assessment_set(
        criterion=c1,
        board_id=named.pk,
        source="bloc",
        points=c1.max_points,
        comment=ATTRIBUTE,
        actor=secretariat,
    )
    closed = factories.round_open(
        voting_round=scoring.round_create(
            bloc_year=year,
            kind="merit",
            actor=None,
            title=f"Bình xét {SCRIPT}",
            quota=1,
            max_choices=1,
        ),
        actor=None,
    )
    for board in world.own_boards:
        scoring.ballot_cast(
            voting_round=closed, actor=officers[board.pk], choices=[named.pk]
        )
    scoring.round_close(voting_round=closed, actor=None)
    return {"round": closed, "own": own, "named": named}


def _urls(world, ids: dict, extra: dict) -> list[str]:
    """Every route of the project with its object ids filled in."""
    year = world.own_year.pk
    officer_board = world.users["board_officer"].board
    objects = {
        "submission": ids["submission"],
        "evidence": ids["evidence"],
        "pledge": ids["pledge"],
        "score": ids["score"],
        "votinground": ids["votinground"],
        "publication": ids["publication"],
    }
    site = {
        "pledges:submission": "submission",
        "pledges:evidence": "evidence",
        "pledges:pledge": "pledge",
        "scoring:score": "score",
        "scoring:round": "votinground",
        "reports:download": "publication",
    }
    urls = []
    model_route = re.compile(r"^admin/(\w+)/(\w+)/(?:<path:object_id>/)?(\w+/)?$")
    for route, name in _patterns():
        if route.startswith("admin/"):
            match = model_route.match(route)
            if match and "<path:object_id>" in route:
                model = match.group(2)
                if model in ids:
                    urls.append(
                        "/" + route.replace("<path:object_id>", str(ids[model]))
                    )
            elif "<" not in route and "(?P" not in route:
                urls.append("/" + route)
            elif "<int:pk>" in route:
                urls.append("/" + route.replace("<int:pk>", str(year)))
            continue
        url = "/" + route
        if "<int:pk>" in url:
            pk = objects[site[name]] if name in site else year
            url = url.replace("<int:pk>", str(pk))
        for kind in KINDS if "<str:kind>" in url else [None]:
            urls.append(url.replace("<str:kind>", kind) if kind else url)
    urls += [
        reverse("pledges:submission", args=[extra["own"].pk]),
        reverse(
            "scoring:score",
            args=[Score.objects.get(bloc_year=world.own_year, board=officer_board).pk],
        ),
        reverse("scoring:round", args=[extra["round"].pk]),
        reverse("admin:pledges_submission_history", args=[ids["submission"]]),
        reverse("admin:pledges_submission_changelist") + "?q=" + "%3Cscript%3E",
    ]
    return urls


@pytest.fixture
def poisoned(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids = _objects(world)
    extra = _poison(world)
    return world, _urls(world, ids, extra), extra


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_payload_as_markup(poisoned, client_for, role):
    world, urls, _extra = poisoned
    client = client_for(world.users[role])
    shown, raw = 0, []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode()
        shown += "&lt;script&gt;" in body
        raw += [f"{url}: {p}" for p in PAYLOADS if p in body]
    assert not raw, "\n".join(raw)
    if role != "anonymous":
        assert shown, "no page showed the escaped payload: the walk missed the data"


def test_pdfs_show_the_payload_as_text_and_the_chart_escapes_it(poisoned):
    world, _urls, _extra = poisoned
    year = world.own_year
    for kind in KINDS:
        text = pdf_text(documents.render(kind, year, draft=False), layout=False)
        assert SCRIPT in text or SCRIPT.upper() in text, kind
    chart = documents.build_summary(year)["chart_svg"]
    assert chart, "the summary has a chart"
    assert "<script" not in chart.lower()
    assert "&lt;script&gt;" in chart
    assert ATTRIBUTE not in chart


def test_previews_of_the_documents_escape_the_payload(poisoned):
    world, _urls, _extra = poisoned
    for kind in KINDS:
        html = documents.render_preview(kind, world.own_year)
        for payload in PAYLOADS:
            assert payload not in html, kind
        assert "&lt;script&gt;" in html, kind
