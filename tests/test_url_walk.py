"""Walk every URL of the project as every role and check the answer.

The list of URLs comes from the resolver itself, so a new URL without an
expectation here fails the walk. Object URLs use the ids of ``world.own``'s
objects: the other bloc's secretariat must never reach them.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from blocs import services
from blocs.models import Board

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
    "blocs:board": {"anonymous": REDIRECT, "board_officer": OK, "*": FORBIDDEN},
    "blocs:overview": {
        "anonymous": REDIRECT,
        "ministry": OK,
        "superuser": OK,
        "*": FORBIDDEN,
    },
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
    "admin:app_list:auth": {"superuser": OK, "*": NOT_FOUND},
    "admin:catch_all": {"*": NOT_FOUND},
}


def _pick(table, role):
    return table.get(role, table.get("*"))


def _objects(world):
    """The ids that object URLs are filled with: all inside ``world.own``."""
    event = services.audit_record(
        actor=world.users["secretariat"], action="test", obj=world.own_year
    )
    return {
        "ministry": world.own.ministry_id,
        "bloc": world.own.pk,
        "board": world.own_boards[0].pk,
        "blocyear": world.own_year.pk,
        "membership": world.own_year.memberships.first().pk,
        "user": world.users["board_officer"].pk,
        "auditevent": event.pk,
        "group": Group.objects.get(name="Secretariat").pk,
    }


def _cases(world):
    """(label, url, expectation per role) for every route of the project."""
    ids = _objects(world)
    cases = []
    model_route = re.compile(r"^admin/(\w+)/(\w+)/(?:<path:object_id>/)?(\w+/)?$")
    for route, name in _patterns():
        if not route.startswith("admin/"):
            assert name in SITE, f"no expectation for {route} ({name})"
            cases.append((name, "/" + route, SITE[name]))
            continue
        if route.startswith("admin/^(?P<app_label>"):
            for app in ("auth", "blocs"):
                key = f"admin:app_list:{app}"
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
def test_every_url_answers_each_role_as_allowed(world, client_for, role):
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
