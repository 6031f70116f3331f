"""Walk every URL of the project as every role and check the answer.

The list of URLs comes from the resolver itself, so a new URL without an
expectation here fails the walk. Object URLs use the ids of ``world.own``'s
objects: the other bloc's secretariat must never reach them.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from blocs import services
from blocs.fund import services as fund_services
from blocs.models import Board
from blocs.notifications.models import Delivery
from blocs.notifications.services import notify
from blocs.notifications.tasks import deliveries_send
from pledges import services as pledge_services
from pledges.models import Submission
from reports import services as report_services
from reports.models import LegalBasis
from scoring import services as scoring_services
from scoring.models import Score
from tests import factories

ROLES = [
    "anonymous",
    "board_officer",
    "other_secretariat",
    "secretariat",
    "ministry",
    "superuser",
]
STAFF = {"other_secretariat", "secretariat", "ministry", "superuser"}
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405


def _patterns(resolver=None, prefix=""):
    """Every (route, name) of the project, namespaces joined like reverse()."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            for route, name in _patterns(p, prefix + str(p.pattern)):
                full = f"{p.namespace}:{name}" if p.namespace and name else name
                yield route, full
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


# Site pages: status per role.
SITE = {
    "home": {"anonymous": REDIRECT, "*": REDIRECT},
    "login": {"anonymous": OK, "*": REDIRECT},
    "logout": {"*": NOT_ALLOWED},  # POST only
    "set_language": {"*": REDIRECT},  # GET changes nothing, goes back
    # Two-factor sign-in: offered to the secretariat and superusers; the code
    # page sends away whoever owes no code (here: nobody does).
    "two_factor": {
        "anonymous": REDIRECT,
        "board_officer": FORBIDDEN,
        "ministry": FORBIDDEN,
        "*": OK,
    },
    "two_factor_verify": {"*": REDIRECT},
    "blocs:board": {"anonymous": REDIRECT, "board_officer": OK, "*": FORBIDDEN},
    "blocs:overview": {
        "anonymous": REDIRECT,
        "ministry": OK,
        "superuser": OK,
        "*": FORBIDDEN,
    },
    # Another board's report and evidence (same bloc): the officer gets 404.
    "pledges:submission": {
        "anonymous": REDIRECT,
        "board_officer": NOT_FOUND,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "pledges:evidence": {
        "anonymous": REDIRECT,
        "board_officer": NOT_FOUND,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "pledges:evidence_upload": {"*": NOT_ALLOWED},  # POST only
    # The bloc's pledge: every member reads it.
    "pledges:pledge": {"anonymous": REDIRECT, "other_secretariat": NOT_FOUND, "*": OK},
    # Another board's score: the officer sees only its own.
    "scoring:score": {
        "anonymous": REDIRECT,
        "board_officer": NOT_FOUND,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "scoring:ranking": {
        "anonymous": REDIRECT,
        "board_officer": FORBIDDEN,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "scoring:self_assessment": {
        "anonymous": REDIRECT,
        "board_officer": OK,
        "*": FORBIDDEN,
    },
    "scoring:round": {"anonymous": REDIRECT, "other_secretariat": NOT_FOUND, "*": OK},
    # The verification page is public.
    "reports:verify": {"*": OK},
    "reports:download": {
        "anonymous": REDIRECT,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "reports:year_documents": {
        "anonymous": REDIRECT,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "reports:draft": {
        "anonymous": REDIRECT,
        "board_officer": FORBIDDEN,
        "ministry": FORBIDDEN,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "reports:publish": {"*": NOT_ALLOWED},  # POST only
    # The ministry's pages: the overview is scoped to each reader; the
    # comparison of blocs is cross-bloc, so the ministry's and superusers' only.
    "reports:overview": {"anonymous": REDIRECT, "*": OK},
    "healthz": {"*": OK},
    # Password reset: for everyone (a logged-in user may ask too).
    "password_reset": {"*": OK},
    "password_reset_done": {"*": OK},
    "password_reset_confirm": {"*": OK},  # "this link is no longer valid"
    "password_reset_complete": {"*": OK},
    # The notice centre: every user's own notices.
    "notifications:list": {"anonymous": REDIRECT, "*": OK},
    "notifications:preferences": {"anonymous": REDIRECT, "*": OK},
    "notifications:read": {"*": NOT_ALLOWED},  # POST only
    "notifications:open": {"*": NOT_ALLOWED},  # POST only
    "reports:compare": {
        "anonymous": REDIRECT,
        "ministry": OK,
        "superuser": OK,
        "*": FORBIDDEN,
    },
}
SITE["reports:preview"] = SITE["reports:draft"]
# The API (session or token; anonymous callers get 401 outside the public
# endpoints). The round of the walk is open, so no one reads it in the API.
UNAUTHORISED, BAD_REQUEST = 401, 400
API_SCOPED = {"anonymous": UNAUTHORISED, "other_secretariat": NOT_FOUND, "*": OK}
SITE |= {
    "api:schema": {"*": OK},
    "api:docs": {"*": OK},
    "api:verify": {"*": BAD_REQUEST},  # no code given
    "api:bloc-list": {"anonymous": UNAUTHORISED, "*": OK},
    "api:bloc-detail": API_SCOPED,
    "api:board-list": {"anonymous": UNAUTHORISED, "*": OK},
    "api:board-detail": API_SCOPED
    | {"board_officer": NOT_FOUND, "other_secretariat": OK},
    "api:bloc-year-list": {"anonymous": UNAUTHORISED, "*": OK},
    "api:bloc-year-detail": API_SCOPED,
    "api:bloc-year-totals": API_SCOPED,
    "api:round-list": {"anonymous": UNAUTHORISED, "*": OK},
    "api:round-detail": {"anonymous": UNAUTHORISED, "*": NOT_FOUND},
    "api:document-list": {"*": OK},
    "api:document-detail": {"*": OK},
    "api:document-download": API_SCOPED,
}
# Which object fills the <int:pk> of each site URL.
SITE_OBJECTS = {
    "notifications:open": "notice",
    "pledges:submission": "submission",
    "pledges:evidence": "evidence",
    "pledges:evidence_upload": "submission",
    "pledges:pledge": "pledge",
    "scoring:score": "score",
    "scoring:ranking": "reportingyear",
    "scoring:self_assessment": "reportingyear",
    "scoring:round": "votinground",
    "reports:download": "publication",
    "reports:year_documents": "reportingyear",
    "reports:draft": "reportingyear",
    "reports:preview": "reportingyear",
    "reports:publish": "reportingyear",
    "api:bloc-detail": "bloc",
    "api:board-detail": "board",
    "api:bloc-year-detail": "blocyear",
    "api:bloc-year-totals": "blocyear",
    "api:round-detail": "votinground",
    "api:document-detail": "publication",
    "api:document-download": "publication",
}

# Admin model pages for staff: per model, per role, status per action.
READ = {"changelist": OK, "change": OK, "history": OK, "add": FORBIDDEN}
READ_NO_DELETE = READ | {"delete": FORBIDDEN}
HIDDEN = dict.fromkeys(["changelist", "change", "history", "add", "delete"], FORBIDDEN)
OUT_OF_SCOPE = {"change": REDIRECT, "history": REDIRECT, "delete": FORBIDDEN}
FULL = dict.fromkeys(["changelist", "change", "history", "add", "delete"], OK)
ADMIN_MODELS = {
    "ministry": {
        "superuser": FULL,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE,
    },
    "bloc": {
        "superuser": FULL,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
    },
    "board": {
        "superuser": FULL,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE | {"add": OK},
        # Boards are public facts: another bloc's secretariat reads, never edits.
        "other_secretariat": READ_NO_DELETE | {"add": OK},
    },
    "blocyear": {
        "superuser": FULL,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE | {"add": OK},
        "other_secretariat": READ_NO_DELETE | {"add": OK} | OUT_OF_SCOPE,
    },
    "membership": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
    },
    "user": {
        "superuser": FULL,
        "ministry": HIDDEN,
        "secretariat": HIDDEN,
        "other_secretariat": HIDDEN,
    },
    "auditevent": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": HIDDEN,
        "other_secretariat": HIDDEN,
    },
    "group": {
        "superuser": FULL,
        "ministry": HIDDEN,
        "secretariat": HIDDEN,
        "other_secretariat": HIDDEN,
    },
}

YEAR_SETUP = {  # indicators and rules: the year's secretariat edits them
    "superuser": FULL,
    "ministry": READ_NO_DELETE,
    "secretariat": FULL,
    "other_secretariat": FULL
    | {"change": REDIRECT, "history": REDIRECT, "delete": REDIRECT},
}
ADMIN_MODELS |= {
    "indicator": YEAR_SETUP,
    "validationrule": YEAR_SETUP,
    "pledge": {
        "superuser": FULL,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE | {"add": OK},
        "other_secretariat": READ_NO_DELETE | {"add": OK} | OUT_OF_SCOPE,
    },
    "submission": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        # The audit history page answers 404 outside the scope.
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE | {"history": NOT_FOUND},
    },
    "reportingyear": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
    },
}
ADMIN_MODELS["exchangerate"] = {  # the year's VND per USD: set, never deleted
    "superuser": READ_NO_DELETE | {"add": OK},
    "ministry": READ_NO_DELETE,
    "secretariat": READ_NO_DELETE | {"add": OK},
    "other_secretariat": READ_NO_DELETE | {"add": OK} | OUT_OF_SCOPE,
}
ADMIN_MODELS["value"] = {  # read in the admin; changed only by import
    "superuser": READ_NO_DELETE,
    "ministry": READ_NO_DELETE,
    "secretariat": READ_NO_DELETE,
    "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
}
ADMIN_MODELS |= {
    "scoringscale": {
        "superuser": READ_NO_DELETE | {"create": OK, "assess": OK},
        "ministry": READ_NO_DELETE | {"create": FORBIDDEN, "assess": OK},
        "secretariat": READ_NO_DELETE | {"create": OK, "assess": OK},
        "other_secretariat": READ_NO_DELETE
        | OUT_OF_SCOPE
        | {"create": OK, "assess": NOT_FOUND},
    },
    "score": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
    },
    "votinground": {
        "superuser": READ_NO_DELETE | {"add": OK, "create": OK},
        "ministry": READ_NO_DELETE | {"create": FORBIDDEN},
        "secretariat": READ_NO_DELETE | {"add": OK, "create": OK},
        "other_secretariat": READ_NO_DELETE | {"add": OK, "create": OK} | OUT_OF_SCOPE,
    },
}
ADMIN_MODELS |= {
    # Legal bases are kept by administrators; everyone on staff reads them.
    "legalbasis": {
        "superuser": FULL,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE,
    },
    # Each year's documents: read-only rows; publishing is an admin action.
    "documentyear": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
    },
    # API tokens: issued and revoked by administrators only, never edited.
    "apitoken": {
        "superuser": READ | {"add": OK, "delete": FORBIDDEN},
        "ministry": HIDDEN,
        "secretariat": HIDDEN,
        "other_secretariat": HIDDEN,
    },
    # What the secretariat writes for its year's documents.
    "yearsections": {
        "superuser": READ_NO_DELETE | {"add": OK},
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE | {"add": OK},
        "other_secretariat": READ_NO_DELETE | {"add": OK} | OUT_OF_SCOPE,
    },
    # The people documents print: public facts; a secretariat records its
    # own bloc's boards' people, reads the others'.
    "official": {
        "superuser": FULL,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE | {"add": OK},
        "other_secretariat": READ_NO_DELETE | {"add": OK},
    },
    # Mergers and splits of boards: public facts, recorded by a superuser.
    "boardsuccession": {
        "superuser": READ_NO_DELETE | {"add": OK},
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE,
    },
    # The archive is read-only for everyone.
    "publication": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
    },
}
ADMIN_MODELS |= {
    # Mail sent and refused: read-only, the secretariat sees its bloc's people.
    "delivery": {
        "superuser": READ_NO_DELETE,
        "ministry": READ_NO_DELETE,
        "secretariat": READ_NO_DELETE,
        "other_secretariat": READ_NO_DELETE | OUT_OF_SCOPE,
    },
    # The task queue (django-tasks-db's admin): superusers only, read-only.
    "dbtaskresult": {
        "superuser": READ_NO_DELETE,
        "ministry": HIDDEN,
        "secretariat": HIDDEN,
        "other_secretariat": HIDDEN,
    },
}
REPORTING_PAGES = {"other_secretariat": NOT_FOUND, "*": OK}

# The bloc's fund: its secretariat keeps the books, the ministry reads them;
# books are corrected, never deleted; an expense is deleted, never edited.
FUND_BOOKS = {
    "superuser": READ_NO_DELETE | {"add": OK},
    "ministry": READ_NO_DELETE,
    "secretariat": READ_NO_DELETE | {"add": OK},
    "other_secretariat": READ_NO_DELETE | {"add": OK} | OUT_OF_SCOPE,
}
ADMIN_MODELS |= {
    "fundyear": FUND_BOOKS,
    "contribution": FUND_BOOKS,
    "expense": YEAR_SETUP,
}

# Other admin pages for staff (non-staff and anonymous go to the admin login).
ADMIN_OTHER = {
    "admin:index": {"*": OK},
    "admin:login": {"*": REDIRECT},
    "admin:logout": {"*": NOT_ALLOWED},
    "admin:password_change": {"*": OK},
    "admin:password_change_done": {"*": OK},
    "admin:autocomplete": {"*": FORBIDDEN},  # refuses a request without a field
    "admin:jsi18n": {"*": OK},
    "admin:view_on_site": {"*": NOT_FOUND},  # no public page for a board
    "admin:auth_user_password_change": {"superuser": OK, "*": FORBIDDEN},
    "admin:app_list:blocs": {"*": OK},
    "admin:app_list:pledges": {"*": OK},
    "admin:app_list:scoring": {"*": OK},
    "admin:app_list:reports": {"*": OK},
    "admin:app_list:notifications": {"*": OK},
    "admin:app_list:fund": {"*": OK},
    "admin:app_list:django_tasks_database": {"superuser": OK, "*": NOT_FOUND},
    "admin:app_list:auth": {"superuser": OK, "*": NOT_FOUND},
    "admin:catch_all": {"*": NOT_FOUND},
    "admin:pledges_reportingyear_completeness": REPORTING_PAGES,
    # Import for secretariats (each into its own bloc only), export for readers.
    "admin:pledges_value_import": {"ministry": FORBIDDEN, "*": OK},
    "admin:pledges_value_process_import": {"*": NOT_ALLOWED},  # POST only
    "admin:pledges_value_export": {"*": OK},
    # A year's import template: for those who may import into that year.
    "admin:pledges_value_import_template": {
        "ministry": NOT_FOUND,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    "admin:pledges_reportingyear_totals": REPORTING_PAGES,
    # The year cockpit: read by whoever reads the year; its button (a
    # confirmation page, then a POST) only for the year's secretariat.
    "admin:blocs_blocyear_cockpit": REPORTING_PAGES,
    "admin:blocs_blocyear_next": {
        "ministry": FORBIDDEN,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
    # Recording from paper: the year's secretariat only, and only for a year
    # recorded after the fact (the walked year is not: sent back with a word).
    "admin:pledges_reportingyear_paper": {
        "other_secretariat": NOT_FOUND,
        "ministry": FORBIDDEN,
        "*": REDIRECT,
    },
    # A copy signed outside the portal: the year's secretariat uploads it.
    "admin:reports_publication_signed_copy": {
        "ministry": FORBIDDEN,
        "other_secretariat": NOT_FOUND,
        "*": OK,
    },
}


def _pick(table, role):
    return table.get(role, table.get("*"))


def _objects(world):
    """The ids that object URLs are filled with: all inside ``world.own``;
    reports and evidence belong to a board other than the officer's."""
    event = services.audit_record(
        actor=world.users["secretariat"], action="test", obj=world.own_year
    )
    year = world.own_year
    pledge_services.indicators_copy(bloc_year=year, actor=None)
    pledge_services.submissions_prepare(bloc_year=year, actor=None)
    pledge = pledge_services.pledge_create(bloc_year=year, actor=None)
    scale = scoring_services.scale_create(bloc_year=year, actor=None)
    scoring_services.scale_freeze(scale=scale, actor=None)
    voting_round = factories.round_open(
        voting_round=scoring_services.round_create(
            bloc_year=year, kind="flag", actor=None
        ),
        actor=None,
    )
    neighbour = Submission.objects.get(bloc_year=year, board=world.own_boards[0])
    evidence = pledge_services.evidence_add(
        submission=neighbour,
        actor=factories.user(role="board_officer", board=world.own_boards[0]),
        expected_version=neighbour.version,
        upload=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4 test"),
    )
    fund = fund_services.fund_year_open(
        bloc_year=year, actor=None, opening_balance=Decimal(100)
    )
    contribution = fund_services.contribution_set(
        fund_year=fund, board=world.own_boards[0], due=Decimal(10), actor=None
    )
    expense = fund_services.expense_add(
        fund_year=fund,
        purpose="walk",
        spent_on=dt.date(2023, 6, 1),
        amount=Decimal(5),
        actor=None,
    )
    officer = world.users["board_officer"]
    officer.email = "officer@example.vn"
    officer.save(update_fields=["email"])
    notify(users=[officer], kind="password_changed", context={})
    delivery = Delivery.objects.get(notice__user=officer)
    task = deliveries_send.enqueue()
    return {
        "notice": delivery.notice_id,
        "delivery": delivery.pk,
        "dbtaskresult": task.id,
        "submission": neighbour.pk,
        "evidence": evidence.pk,
        "pledge": pledge.pk,
        "indicator": year.indicators.first().pk,
        "validationrule": year.validation_rules.first().pk,
        "exchangerate": pledge_services.exchange_rate_set(
            bloc_year=year,
            vnd_per_usd=Decimal("23633"),
            source="",
            actor=world.users["secretariat"],
        ).pk,
        "reportingyear": year.pk,
        "documentyear": year.pk,
        "value": neighbour.values.first().pk,
        "score": Score.objects.get(bloc_year=year, board=world.own_boards[0]).pk,
        "votinground": voting_round.pk,
        "scoringscale": scale.pk,
        "legalbasis": LegalBasis.objects.create(
            citation="Luật Thi đua, khen thưởng số 06/2022/QH15",
            valid_from=dt.date(2024, 1, 1),
        ).pk,
        "publication": report_services.document_publish(
            bloc_year=year, kind="pledge", actor=world.users["secretariat"]
        ).pk,
        "apitoken": report_services.api_token_issue(
            user=world.users["board_officer"],
            name="walk",
            actor=world.users["superuser"],
        )[0].pk,
        "yearsections": factories.sections(year).pk,
        "official": world.own_boards[0].officials.first().pk,
        "boardsuccession": services.board_succession_record(
            predecessor=world.own_boards[1],
            successor=world.own_boards[0],
            date=dt.date(2025, 7, 1),
            actor=None,
        ).pk,
        "ministry": world.own.ministry_id,
        "bloc": world.own.pk,
        "board": world.own_boards[0].pk,
        "blocyear": world.own_year.pk,
        "membership": world.own_year.memberships.first().pk,
        "user": world.users["board_officer"].pk,
        "auditevent": event.pk,
        "group": Group.objects.get(name="Secretariat").pk,
        "fundyear": fund.pk,
        "contribution": contribution.pk,
        "expense": expense.pk,
    }


def _cases(world):
    """(label, url, expectation per role) for every route of the project."""
    ids = _objects(world)
    cases = []
    model_route = re.compile(r"^admin/(\w+)/(\w+)/(?:<path:object_id>/)?(\w+/)?$")
    for route, name in _patterns():
        if not route.startswith("admin/"):
            assert name in SITE, f"no expectation for {route} ({name})"
            url = "/" + route
            if name in SITE_OBJECTS:
                url = url.replace("<int:pk>", str(ids[SITE_OBJECTS[name]]))
            url = url.replace("<str:kind>", "summary")
            cases.append((name, url, SITE[name]))
            continue
        if name in (
            "admin:pledges_reportingyear_completeness",
            "admin:pledges_reportingyear_totals",
        ):
            url = "/" + route.replace("<int:pk>", str(ids["reportingyear"]))
            cases.append((name, url, ADMIN_OTHER[name]))
            continue
        if name in ("admin:blocs_blocyear_cockpit", "admin:blocs_blocyear_next"):
            url = "/" + route.replace("<int:pk>", str(ids["blocyear"]))
            cases.append((name, url, ADMIN_OTHER[name]))
            continue
        if name == "admin:pledges_reportingyear_paper":
            url = "/" + route.replace("<int:pk>", str(ids["reportingyear"]))
            cases.append(
                (name, url.replace("<str:kind>", "signatures"), ADMIN_OTHER[name])
            )
            continue
        if name == "admin:pledges_value_import_template":
            url = "/" + route.replace("<int:bloc_year_id>", str(ids["blocyear"]))
            cases.append((name, url, ADMIN_OTHER[name]))
            continue
        if name == "admin:reports_publication_signed_copy":
            url = "/" + route.replace("<int:pk>", str(ids["publication"]))
            cases.append((name, url, ADMIN_OTHER[name]))
            continue
        if route.startswith("admin/^(?P<app_label>"):
            apps = re.search(r"\(\?P<app_label>([^)]*)\)", route).group(1).split("|")
            for app in apps:
                key = f"admin:app_list:{app}"
                assert key in ADMIN_OTHER, f"no expectation for {key}"
                cases.append((key, f"/admin/{app}/", ADMIN_OTHER[key]))
            continue
        if route == "admin/(?P<url>.*)$":
            cases.append(
                (
                    "admin:catch_all",
                    "/admin/no-such-page/",
                    ADMIN_OTHER["admin:catch_all"],
                )
            )
            continue
        if name == "admin:view_on_site":
            ct = ContentType.objects.get_for_model(Board).pk
            url = f"/admin/r/{ct}/{ids['board']}/"
            cases.append((name, url, ADMIN_OTHER[name]))
            continue
        if name == "admin:auth_user_password_change":
            url = f"/admin/blocs/user/{ids['user']}/password/"
            cases.append((name, url, ADMIN_OTHER[name]))
            continue
        match = model_route.match(route)
        if name in ADMIN_OTHER:
            cases.append((name, "/" + route, ADMIN_OTHER[name]))
        elif match:
            _app, model, action = match.groups()
            url = "/" + route.replace("<path:object_id>", str(ids[model]))
            if name is None:  # the bare object URL redirects to its change page
                cases.append((f"{model}:bare", url, {"*": REDIRECT}))
                continue
            action = (action or "changelist/").rstrip("/")
            table = {
                role: ADMIN_MODELS[model][role][action] for role in ADMIN_MODELS[model]
            }
            cases.append((name, url, table))
        else:
            pytest.fail(f"no expectation for {route} ({name})")
    return cases


def _expected(route_label, url, table, role):
    if url.startswith("/admin/") and role not in STAFF:
        # The admin only knows staff: everyone else is sent to its login,
        # whose page itself answers (with "not authorised" for board officers).
        return OK if route_label == "admin:login" else REDIRECT
    return _pick(table, role)


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_allowed(
    world, client_for, role, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.users[role])
    wrong = []
    cases = _cases(world)
    assert len(cases) > 60
    for label, url, table in cases:
        expected = _expected(label, url, table, role)
        status = client.get(url).status_code
        if status != expected:
            wrong.append(f"{label} {url}: got {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ["anonymous", "board_officer"])
def test_pages_outside_the_admin_send_anonymous_to_login(world, client_for, role):
    client = client_for(world.users[role])
    if role == "anonymous":
        for url in ("/", "/board/", "/overview/"):
            assert client.get(url)["Location"].startswith("/accounts/login/")
    response = client.get("/admin/blocs/bloc/")
    assert response["Location"].startswith("/admin/login/")
