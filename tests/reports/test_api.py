"""The read-only API: an OpenAPI 3 schema listing every endpoint; every
endpoint called with every role's token, scoped as the pages are; fixed
query counts on the demo and on scale data; the 2016 totals of seed 000 as
the totals page shows them; tokens hashed, revoked, audited; no writes."""

import csv
import hashlib
import io
import json
from decimal import Decimal as D

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openapi_spec_validator import validate
from rest_framework import serializers
from rest_framework.test import APIClient, APIRequestFactory

from blocs import services as blocs_services
from blocs.models import AuditEvent, Bloc, BlocYear, Board, Membership, User
from pledges.models import Submission
from reports import services
from reports.api import serializers as s
from reports.api import views
from reports.models import ApiToken, Publication
from scoring.models import VotingRound
from tests import factories
from tests.conftest import otp_verify

ROLES = {
    "anonymous": None,
    "board_officer": "bql.dungquat",
    "secretariat": "khoitruong",
    "other_secretariat": "khoitruong.dbsh",
    "ministry": "vu.tdkt",
}
# Every path of the schema, with what fills its {id}.
ENDPOINTS = {
    "/api/blocs/": None,
    "/api/blocs/{id}/": "bloc",
    "/api/boards/": None,
    "/api/boards/{id}/": "board",
    "/api/bloc-years/": None,
    "/api/bloc-years/{id}/": "bloc_year",
    "/api/bloc-years/{id}/totals/": "bloc_year",
    "/api/rounds/": None,
    "/api/rounds/{id}/": "round",
    "/api/documents/": None,
    "/api/documents/{id}/": "document",
    "/api/documents/{id}/download/": "document",
    "/api/verify/": "code",
}
PUBLIC = {"/api/documents/", "/api/documents/{id}/", "/api/verify/"}


@pytest.fixture
def demo(loaded, db):
    caches["api_throttle"].clear()
    admin = User.objects.get(username="admin")
    tokens = {}
    for role, username in ROLES.items():
        if username is not None:
            user = User.objects.get(username=username)
            _token, tokens[role] = services.api_token_issue(
                user=user, name=role, actor=admin
            )
    return tokens


def api(secret: str | None) -> APIClient:
    client = APIClient()
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def _target():
    """Objects of the secretariat's bloc (TN-DHMT 2023), outside the other
    secretariat's and, for boards, outside the board officer's scope."""
    year = BlocYear.objects.get(bloc__short_name="TN-DHMT", year=2023)
    board = (
        Membership.objects.filter(bloc_year=year)
        .exclude(board__short_name="KKT Dung Quất")
        .first()
        .board
    )
    voting_round = VotingRound.objects.filter(
        bloc_year=year, status=VotingRound.Status.CLOSED
    ).first()
    document = Publication.objects.filter(bloc_year=year).first()
    return {
        "bloc": year.bloc_id,
        "board": board.pk,
        "bloc_year": year.pk,
        "round": voting_round.pk,
        "document": document.pk,
        "code": document.code,
    }


def _url(path: str, ids: dict) -> str:
    kind = ENDPOINTS[path]
    if kind == "code":
        return f"{path}?code={ids['code']}"
    return path.replace("{id}", str(ids[kind])) if kind else path


# Schema ------------------------------------------------------------------------------


def test_schema_is_valid_openapi_3_and_lists_every_endpoint(client):
    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == set(ENDPOINTS)
    for path, item in schema["paths"].items():
        assert set(item) - {"parameters"} == {"get"}, path
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_page_is_served_without_a_cdn(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page.text
    assert "cdn" not in page.text.lower()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.text


# Scope: every endpoint x every role -----------------------------------------------

EXPECTED = {
    # Objects of TN-DHMT 2023: the board officer (a member) reads the bloc,
    # the year, the rounds and documents, not another board.
    "anonymous": {
        "/api/documents/": 200,
        "/api/documents/{id}/": 200,
        "/api/verify/": 200,
        "*": 401,
    },
    "board_officer": {"/api/boards/{id}/": 404, "*": 200},
    "secretariat": {"*": 200},
    "other_secretariat": {
        "/api/blocs/{id}/": 404,
        "/api/bloc-years/{id}/": 404,
        "/api/bloc-years/{id}/totals/": 404,
        "/api/rounds/{id}/": 404,
        "/api/documents/{id}/download/": 404,
        "*": 200,
    },
    "ministry": {"*": 200},
}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_endpoint_answers_each_role_within_its_scope(demo, role):
    client = api(demo.get(role))
    ids = _target()
    wrong = []
    for path in ENDPOINTS:
        url = _url(path, ids)
        expected = EXPECTED[role].get(path, EXPECTED[role]["*"])
        status = client.get(url).status_code
        if status != expected:
            wrong.append(f"{url}: {status}, expected {expected}")
        # No token writes, anything anywhere.
        for method in ("post", "put", "patch", "delete"):
            status = getattr(client, method)(url).status_code
            if status not in (405, 401):
                wrong.append(f"{method.upper()} {url}: {status}")
    assert not wrong, "\n".join(wrong)


def _visible(role: str) -> dict[str, set[int]]:
    """What each role's pages show, counted from the rows, not the API."""
    user = User.objects.get(username=ROLES[role])
    if role == "ministry":
        return {
            "blocs": set(Bloc.objects.values_list("pk", flat=True)),
            "bloc-years": set(BlocYear.objects.values_list("pk", flat=True)),
            "boards": set(Board.objects.values_list("pk", flat=True)),
        }
    if role == "board_officer":
        years = Membership.objects.filter(board=user.board_id).values_list(
            "bloc_year", flat=True
        )
        return {
            "blocs": set(
                BlocYear.objects.filter(pk__in=years).values_list("bloc", flat=True)
            ),
            "bloc-years": set(years),
            "boards": {user.board_id},
        }
    return {
        "blocs": {user.bloc_id},
        "bloc-years": set(
            BlocYear.objects.filter(bloc=user.bloc_id).values_list("pk", flat=True)
        ),
        "boards": set(Board.objects.values_list("pk", flat=True)),
    }


@pytest.mark.parametrize(
    "role", ["board_officer", "secretariat", "other_secretariat", "ministry"]
)
def test_lists_hold_exactly_what_the_roles_pages_show(demo, role):
    client = api(demo[role])
    for resource, expected in _visible(role).items():
        response = client.get(f"/api/{resource}/", {"page_size": 500})
        assert _ids(response) == expected, resource
    rounds = _ids(client.get("/api/rounds/", {"page_size": 500}))
    years = _visible(role)["bloc-years"]
    assert rounds == set(
        VotingRound.objects.filter(
            bloc_year__in=years, status=VotingRound.Status.CLOSED
        ).values_list("pk", flat=True)
    )
    # Everyone reads every published document's metadata.
    documents = _ids(client.get("/api/documents/", {"page_size": 500}))
    assert documents == set(Publication.objects.values_list("pk", flat=True))


def test_board_officer_sees_its_own_board_only(demo):
    rows = api(demo["board_officer"]).get("/api/boards/").json()["results"]
    assert [r["short_name"] for r in rows] == ["KKT Dung Quất"]


# Filters, pagination, CSV ------------------------------------------------------------


def test_filters_by_year_bloc_and_region(demo):
    client = api(demo["ministry"])
    rows = client.get("/api/bloc-years/", {"year": 2016}).json()["results"]
    assert {r["year"] for r in rows} == {2016}
    assert any(r["bloc"] == "DHMT" for r in rows)
    rows = client.get("/api/bloc-years/", {"bloc": "TN-DHMT"}).json()["results"]
    assert {r["bloc"] for r in rows} == {"TN-DHMT"}
    region = rows[0]["region"]
    rows = client.get("/api/blocs/", {"region": region}).json()["results"]
    assert rows
    assert {r["region"] for r in rows} == {region}
    docs = client.get("/api/documents/", {"year": 2023, "kind": "summary"}).json()
    assert docs["count"] >= 1
    assert {(d["year"], d["kind"]) for d in docs["results"]} == {(2023, "summary")}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "2O23"}, "year"),
        ({"year": "1200"}, "year"),
        ({"bloc": "x" * 41}, "bloc"),
        ({"kind": "novel"}, "kind"),
    ],
)
def test_malformed_filter_answers_400_naming_the_field(demo, params, field):
    path = "/api/documents/" if field == "kind" else "/api/bloc-years/"
    response = api(demo["ministry"]).get(path, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_lists_are_paginated(demo):
    client = api(demo["ministry"])
    assert Publication.objects.count() >= 2
    first = client.get("/api/documents/", {"page_size": 1}).json()
    assert len(first["results"]) == 1
    assert first["count"] == Publication.objects.count()
    assert "page=2" in first["next"]


def test_verify_code_is_public_and_an_unknown_code_is_404(demo):
    document = Publication.objects.first()
    response = api(None).get("/api/verify/", {"code": document.code.lower()})
    assert response.json()["sha256"] == document.sha256
    assert api(None).get("/api/verify/", {"code": "NOSUCHCODE"}).status_code == 404
    missing = api(None).get("/api/verify/")
    assert missing.status_code == 400
    assert list(missing.json()) == ["code"]


def test_download_is_the_archived_bytes_for_a_token_in_scope(demo):
    document = Publication.objects.filter(bloc_year__bloc__short_name="TN-DHMT").first()
    row = api(None).get(f"/api/documents/{document.pk}/").json()
    assert row["download"].endswith(f"/api/documents/{document.pk}/download/")
    response = api(demo["secretariat"]).get(row["download"])
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document.sha256


# Totals ------------------------------------------------------------------------------


def test_totals_equal_the_totals_page_for_seed_000_2016(demo, client):
    year = BlocYear.objects.get(bloc__short_name="DHMT", year=2016)
    data = api(demo["ministry"]).get(f"/api/bloc-years/{year.pk}/totals/").json()
    rows = {r["code"]: r for r in data["rows"]}
    assert rows["new-projects"]["actual"] == "132.0000"
    assert D(rows["new-capital-usd"]["actual"]) == D("2470.7")
    assert D(rows["new-capital-usd"]["plan"]) == D("1016.87")
    assert D(rows["new-capital-usd"]["percent"]) == D("242.97")
    assert data["approved_reports"] == 7
    # The admin's totals page of the same year, row by row.
    superuser = factories.user(superuser=True)
    client.force_login(superuser)
    otp_verify(client, superuser)
    page = client.get(reverse("admin:pledges_reportingyear_totals", args=[year.pk]))
    assert "2.470,7" in page.text
    for row in page.context["rows"]:
        api_row = rows[row.indicator.code]
        assert (api_row["actual"] and D(api_row["actual"])) == row.total.actual
        assert (api_row["plan"] and D(api_row["plan"])) == row.total.plan
        assert (api_row["percent"] and D(api_row["percent"])) == row.total.percent
        assert api_row["reported"] == row.total.reported


def test_totals_as_csv(demo):
    year = BlocYear.objects.get(bloc__short_name="DHMT", year=2016)
    response = api(demo["ministry"]).get(
        f"/api/bloc-years/{year.pk}/totals/", {"format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    projects = next(r for r in rows if r["code"] == "new-projects")
    assert D(projects["actual"]) == 132
    capital = next(r for r in rows if r["code"] == "new-capital-usd")
    assert (D(capital["actual"]), D(capital["percent"])) == (D("2470.7"), D("242.97"))


def test_totals_count_approved_reports_only(demo):
    year = BlocYear.objects.get(bloc__short_name="DHMT", year=2016)
    submission = Submission.objects.filter(bloc_year=year).first()
    # Seen from the API, a report that is no longer approved stops counting.
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.SUBMITTED
    )
    data = api(demo["ministry"]).get(f"/api/bloc-years/{year.pk}/totals/").json()
    assert data["approved_reports"] == 6
    rows = {r["code"]: r for r in data["rows"]}
    assert rows["new-projects"]["reported"] == 6


# Tokens ------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_audited_and_revocable(demo):
    secret = demo["secretariat"]
    token = ApiToken.objects.get(digest=hashlib.sha256(secret.encode()).hexdigest())
    assert secret not in {token.digest, token.prefix, token.name}
    assert AuditEvent.objects.filter(
        action="api_token.issue", object_id=str(token.pk)
    ).exists()
    assert api(secret).get("/api/blocs/").status_code == 200
    services.api_token_revoke(token=token, actor=User.objects.get(username="admin"))
    assert api(secret).get("/api/blocs/").status_code == 401
    assert api("not-a-token").get("/api/blocs/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_only_administrators_issue_tokens(demo):
    user = User.objects.get(username="khoitruong")
    with pytest.raises(PermissionDenied):
        services.api_token_issue(user=user, name="mine", actor=user)
    assert not ApiToken.objects.filter(name="mine").exists()


def test_admin_issues_a_token_and_shows_its_secret_once(demo, client):
    superuser = factories.user(superuser=True)
    client.force_login(superuser)
    otp_verify(client, superuser)
    officer = User.objects.get(username="bql.gialai")
    response = client.post(
        reverse("admin:reports_apitoken_add"),
        {"name": "Sở KH&ĐT Gia Lai", "user": officer.pk},
        follow=True,
    )
    token = ApiToken.objects.get(name="Sở KH&ĐT Gia Lai")
    shown = [str(m) for m in response.context["messages"]]
    secret = shown[0].rsplit(" ", 1)[-1]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.digest
    assert api(secret).get("/api/boards/").json()["results"][0]["short_name"] == (
        "KKT Gia Lai"
    )
    page = client.get(reverse("admin:reports_apitoken_changelist"))
    assert secret not in page.text
    client.post(
        reverse("admin:reports_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize(
    "role", ["anonymous", "board_officer", "secretariat", "ministry"]
)
def test_token_admin_is_for_administrators_only(world, client_for, role):
    client = client_for(world.users[role])
    # The admin sends who is not staff to its login, refuses staff.
    expected = 403 if role in ("secretariat", "ministry") else 302
    assert client.get(reverse("admin:reports_apitoken_add")).status_code == expected
    changelist = client.get(reverse("admin:reports_apitoken_changelist"))
    assert changelist.status_code == expected


def test_throttling_answers_429(demo, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_anon": "2/min", "api_user": "3/min"},
    }
    caches["api_throttle"].clear()
    anonymous = api(None)
    assert [anonymous.get("/api/documents/").status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    client = api(demo["ministry"])
    statuses = [client.get("/api/blocs/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# Fixed queries ----------------------------------------------------------------------

QUERIES = {  # for the ministry's token (one query finds the token)
    "/api/blocs/": 3,
    "/api/blocs/{id}/": 2,
    "/api/boards/": 5,  # with their former names and predecessors
    "/api/boards/{id}/": 4,
    # Lists kept in the pages' cache, read again with no write between.
    "/api/bloc-years/": 3,
    "/api/bloc-years/{id}/": 4,  # with the members' former names
    "/api/bloc-years/{id}/totals/": 5,
    "/api/rounds/": 3,
    "/api/rounds/{id}/": 4,  # with the candidates' former names
    "/api/documents/": 3,
    "/api/documents/{id}/": 2,
    "/api/documents/{id}/download/": 2,
    "/api/verify/": 2,
}
# The cached lists built anew in an empty cache: the list's own queries (5,
# with the rows' former names) and the cache's (data version, epoch, read,
# write).
COLD = {"/api/bloc-years/": 19, "/api/rounds/": 19}


def _counts(client, ids) -> dict[str, int]:
    counts = {}
    for path in ENDPOINTS:
        for cache in caches.all():
            cache.clear()  # a cold list: its full set of queries
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(path, ids))
        assert response.status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_query_counts_are_fixed_on_demo_and_scale_data(
    demo, django_assert_max_num_queries
):
    client = api(demo["ministry"])
    ids = _target()
    on_demo = _counts(client, ids)
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
    on_scale = _counts(client, ids)
    assert on_scale == on_demo
    for path, limit in (QUERIES | COLD).items():
        assert on_scale[path] <= limit, path
    for path, limit in QUERIES.items():
        client.get(_url(path, ids))  # a cached list: stored, then read
        with django_assert_max_num_queries(limit):
            client.get(_url(path, ids))


def test_a_cached_list_is_read_again_as_built_and_never_after_a_write(
    demo, django_assert_max_num_queries
):
    """The long lists are kept in the pages' cache: a second read is the
    same bytes for a few queries, and a write in between (here a year moved
    to its next stage) is in the next read."""
    client = api(demo["ministry"])
    first = client.get("/api/bloc-years/", {"page_size": 500})
    with django_assert_max_num_queries(3):
        again = client.get("/api/bloc-years/", {"page_size": 500})
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    year = BlocYear.objects.exclude(status=BlocYear.Status.CLOSED).first()
    blocs_services.bloc_year_advance(
        bloc_year=year, actor=None, override_reason="kiểm thử bộ nhớ đệm"
    )
    year.refresh_from_db()
    after = client.get("/api/bloc-years/", {"page_size": 500})
    row = next(r for r in after.json()["results"] if r["id"] == year.pk)
    assert row["status"] == year.status
    assert after.content != first.content


def test_cached_lists_are_kept_apart_by_scope_query_and_address(demo, settings):
    """A list read by the ministry is never served to a board's token, nor
    a page with other parameters, nor its links to another address."""
    ministry = api(demo["ministry"]).get("/api/bloc-years/", {"page_size": 500})
    board = api(demo["board_officer"]).get("/api/bloc-years/", {"page_size": 500})
    officer = User.objects.get(username=ROLES["board_officer"])
    own = set(
        Membership.objects.filter(board=officer.board_id).values_list(
            "bloc_year", flat=True
        )
    )
    assert _ids(board) == own
    assert len(_ids(ministry)) > len(own)
    client = api(demo["ministry"])
    one = client.get("/api/rounds/", {"page_size": 1}).json()
    assert len(one["results"]) == 1
    assert one["next"].startswith("http://testserver/api/rounds/")
    settings.ALLOWED_HOSTS = ["testserver", "cong.example.gov.vn"]
    elsewhere = client.get(
        "/api/rounds/", {"page_size": 1}, HTTP_HOST="cong.example.gov.vn"
    ).json()
    assert elsewhere["next"].startswith("http://cong.example.gov.vn/api/rounds/")


def test_fast_lists_equal_drfs_own_serialization(demo):
    """The plain-dict path of the long nested lists gives exactly what the
    declared serializer fields (the schema) give."""
    request = APIRequestFactory().get("/api/")
    request.user = User.objects.get(username="vu.tdkt")
    for viewset, serializer_class, attach in [
        (views.BlocViewSet, s.BlocSerializer, None),
        (views.BoardViewSet, s.BoardSerializer, None),
        (views.BlocYearViewSet, s.BlocYearSerializer, views.attach_members),
        (views.RoundViewSet, s.RoundSerializer, views.attach_candidates),
        (views.DocumentViewSet, s.DocumentSerializer, None),
    ]:
        view = viewset()
        view.request = request
        rows = list(view.get_queryset())
        assert rows
        if attach:
            attach(rows)
        serializer = serializer_class(context={"request": request})
        for row in rows:
            generic = serializers.ModelSerializer.to_representation(serializer, row)
            assert serializer.fast(row) == json.loads(json.dumps(generic))
