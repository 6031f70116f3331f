"""The report page's content of a GET is cached, and never served once
anything it shows has changed: figures, a return or reopening, a deadline, the
language, the reader's role, the indicators, last year's figures, the bloc's
or the board's name."""

import base64
import datetime as dt
import pickle
import re
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import caches
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blocs import services as blocs_services
from pledges import services
from pledges.models import Indicator, Submission
from tests import factories
from tests.pledges.conftest import form_data, indicator, submission_of

S = Submission.Status
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def own(reporting):
    return submission_of(reporting, reporting.own_boards[2])


def _url(submission):
    return reverse("pledges:submission", args=[submission.pk])


def _officer(reporting, client_for):
    return client_for(reporting.users["board_officer"])


def _input(page: str, field: str) -> str:
    """The input (or select, or textarea) named ``field`` in the page."""
    match = re.search(rf'<(?:input|select|textarea)[^>]* name="{field}"[^>]*>', page)
    assert match, field
    return match.group(0)


def _stored_pages() -> list[dict]:
    """Every report page's content in the pages' cache, read from its table."""
    table = connection.ops.quote_name(settings.CACHES["pages"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    stored = [
        pickle.loads(base64.b64decode(value))  # noqa: S301 (our own test data)
        for key, value in rows
        if "pledges:page:" in key
    ]
    # Each page beside its stamp (pledges.views._cached_parts).
    pages = [page for page in stored if isinstance(page, dict)]
    assert len(stored) == 2 * len(pages)
    return pages


def _without_csrf(page: str) -> str:
    return CSRF.sub("", page)


def _set(submission, code, actual, *, client):
    submission.refresh_from_db()
    response = client.post(
        _url(submission), form_data(submission, **{code.replace("-", "_"): actual})
    )
    assert response.status_code == 302, response.content[:2000]


# The cached page is the page ------------------------------------------------


def test_a_cached_content_gives_the_same_page_in_fewer_queries(
    reporting, own, client_for, django_assert_max_num_queries
):
    client = _officer(reporting, client_for)
    _set(own, "export", "2470,7", client=client)
    client.get(_url(own))  # the "saved" message, once
    caches["pages"].clear()
    first = client.get(_url(own))
    assert len(_stored_pages()) == 1
    # Session, user, submission, cached content (the board's name in the
    # report's year is read only to build it).
    with django_assert_max_num_queries(4):
        second = client.get(_url(own))
    assert _without_csrf(second.text) == _without_csrf(first.text)
    assert 'value="2.470,7"' in second.text
    # Each response carries its own token, outside the cached part.
    assert CSRF.search(second.text)


def test_a_page_kept_by_the_process_reads_only_its_stamp(
    reporting, own, client_for, django_assert_max_num_queries
):
    """Another process (here: copies forgotten) reads the page from the shared
    cache once, then keeps it; the shared copy is read by its stamp."""
    from pledges.views import PAGE_COPIES

    client = _officer(reporting, client_for)
    first = _without_csrf(client.get(_url(own)).text)
    PAGE_COPIES.clear()
    # Session, user, submission, the stamp, the page.
    with django_assert_max_num_queries(5) as queries:
        assert _without_csrf(client.get(_url(own)).text) == first
    assert len(queries) == 5
    with django_assert_max_num_queries(4):  # kept: the stamp alone
        assert _without_csrf(client.get(_url(own)).text) == first


def test_a_cleared_cache_ends_the_copies_kept_by_the_process(
    reporting, own, client_for
):
    """A write outside the services (raw SQL, a shell script) is followed by
    clearing the pages' cache, as reports.cache says: the page this process
    kept is not served after it."""
    from pledges.models import Value

    client = _officer(reporting, client_for)
    value = own.values.select_related("indicator").filter(indicator__kind="decimal")[0]
    assert "Đã sửa trực tiếp" not in client.get(_url(own)).text
    Value.objects.filter(pk=value.pk).update(note="Đã sửa trực tiếp")
    assert "Đã sửa trực tiếp" not in client.get(_url(own)).text  # still cached
    caches["pages"].clear()
    assert "Đã sửa trực tiếp" in client.get(_url(own)).text


def test_the_csrf_token_is_never_in_the_cached_part(reporting, own, client_for):
    officer = _officer(reporting, client_for)
    tokens = [CSRF.search(officer.get(_url(own)).text).group(1)]
    secretariat = client_for(reporting.users["secretariat"])
    tokens.append(CSRF.search(secretariat.get(_url(own)).text).group(1))
    stored = _stored_pages()
    assert len(stored) == 2
    for page in stored:
        assert "csrfmiddlewaretoken" not in page["content"]
        assert 'name="version"' in page["content"]
        for token in tokens:
            assert token not in page["content"]
    # The officer's page has two forms (the report and the files), each with
    # its slot; the secretariat's only the report's.
    assert sorted(page["content"].count("<!--csrf-->") for page in stored) == [1, 2]
    # Each response's token fills the slots: a browser that checks CSRF posts
    # the cached form.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reporting.users["board_officer"])
    for _ in range(2):  # built, then cached
        page = browser.get(_url(own)).text
        assert "<!--csrf-->" not in page
        # The log-out and language forms, the report's and the files' forms,
        # each with the input Django's tag writes, of one token.
        tokens = CSRF.findall(page)
        assert len(tokens) == 4
        assert len(set(tokens)) == 1
        token = tokens[0]
        tag = Template("{% csrf_token %}").render(Context({"csrf_token": token}))
        assert page.count(tag) == 4
        own.refresh_from_db()
        data = {**form_data(own), "csrfmiddlewaretoken": token}
        assert browser.post(_url(own), data).status_code == 302
        data["csrfmiddlewaretoken"] = token[::-1]
        assert browser.post(_url(own), data).status_code == 403


def test_a_refused_post_is_never_cached(reporting, own, client_for):
    client = _officer(reporting, client_for)
    field = f"actual_{indicator(own.bloc_year, 'new-projects').pk}"
    refused = client.post(_url(own), {**form_data(own), field: "<b>12,5</b>"})
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.text
    assert _stored_pages() == []
    page = client.get(_url(own)).text
    assert "aria-invalid" not in page
    assert "12,5" not in _input(page, field)


# Never stale ---------------------------------------------------------------------


def test_a_save_shows_at_once(reporting, own, client_for):
    client = _officer(reporting, client_for)
    field = f"actual_{indicator(own.bloc_year, 'new-projects').pk}"
    assert 'value="7"' not in _input(client.get(_url(own)).text, field)
    _set(own, "new-projects", "7", client=client)
    assert 'value="7"' in _input(client.get(_url(own)).text, field)


def test_a_return_and_a_reopening_show_at_once(reporting, own, client_for):
    client = _officer(reporting, client_for)
    secretariat = reporting.users["secretariat"]
    export = indicator(own.bloc_year, "export")
    own.refresh_from_db()
    client.post(_url(own), {**form_data(own), "action": "submit-empty"})
    own.refresh_from_db()
    assert own.status == S.SUBMITTED
    page = client.get(_url(own)).text
    assert " disabled " in _input(page, f"actual_{export.pk}")
    assert 'class="flagged"' not in page
    services.submission_return(
        submission=own, actor=secretariat, reason="Xem lại", indicator_ids=[export.pk]
    )
    page = client.get(_url(own)).text
    assert " disabled " not in _input(page, f"actual_{export.pk}")
    assert page.count('class="flagged"') == 1
    assert export.name in page.split('class="notice warning"')[1].split("</div>")[0]
    own.refresh_from_db()
    client.post(_url(own), {**form_data(own), "action": "submit-empty"})
    own.refresh_from_db()
    services.submission_approve(submission=own, actor=secretariat)
    page = client.get(_url(own)).text
    assert " disabled " in _input(page, f"actual_{export.pk}")
    own.refresh_from_db()
    services.submission_reopen(
        submission=own, actor=secretariat, until=timezone.localdate(), reason="Sửa"
    )
    page = client.get(_url(own)).text
    assert " disabled " not in _input(page, f"actual_{export.pk}")


@pytest.mark.parametrize("deadline", ["registration_deadline", "reporting_deadline"])
def test_a_deadline_passing_shows_at_once(reporting, own, client_for, deadline):
    """The deadline moves instead of the clock: today passes it."""
    client = _officer(reporting, client_for)
    export = indicator(own.bloc_year, "export").pk
    field = "plan" if deadline == "registration_deadline" else "actual"
    year = reporting.own_year
    setattr(year, deadline, timezone.localdate())
    year.save()
    assert " disabled " not in _input(client.get(_url(own)).text, f"{field}_{export}")
    setattr(year, deadline, timezone.localdate() - dt.timedelta(days=1))
    year.save()  # no service, no audit event, no admin log entry
    assert " disabled " in _input(client.get(_url(own)).text, f"{field}_{export}")


def test_a_language_switch_shows_at_once(reporting, own, client_for):
    client = _officer(reporting, client_for)
    _set(own, "export", "2470,7", client=client)
    assert 'value="2.470,7"' in client.get(_url(own)).text
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(_url(own)).text
    assert 'value="2,470.7"' in english
    assert 'value="2.470,7"' not in english
    client.post(reverse("set_language"), {"language": "vi"})
    assert 'value="2.470,7"' in client.get(_url(own)).text


def test_each_reader_gets_the_table_of_its_role(reporting, own, client_for):
    export = f"actual_{indicator(own.bloc_year, 'export').pk}"
    reader = client_for(reporting.users["secretariat"])
    assert " disabled " in _input(reader.get(_url(own)).text, export)
    officer = _officer(reporting, client_for)
    assert " disabled " not in _input(officer.get(_url(own)).text, export)
    reader = client_for(reporting.users["ministry"])
    assert " disabled " in _input(reader.get(_url(own)).text, export)
    # The officer's own role changes: the same user now reads only.
    blocs_services.user_set_role(
        user=reporting.users["board_officer"],
        role="secretariat",
        bloc=reporting.own,
    )
    officer = client_for(reporting.users["board_officer"])
    assert " disabled " in _input(officer.get(_url(own)).text, export)


def test_an_indicator_edited_in_the_admin_shows_at_once(reporting, own, client_for):
    client = _officer(reporting, client_for)
    export = indicator(own.bloc_year, "export")
    assert "Renamed <export>" not in client.get(_url(own)).text
    # What the admin's change view does: save, then log the change.
    export.name = "Renamed <export>"
    export.save()
    LogEntry.objects.log_actions(
        reporting.users["superuser"].pk, [export], CHANGE, change_message="name"
    )
    assert "Renamed &lt;export&gt;" in client.get(_url(own)).text


def test_an_indicator_added_to_the_year_shows_at_once(reporting, own, client_for):
    client = _officer(reporting, client_for)
    before = client.get(_url(own)).text.count('<th scope="row">')
    Indicator.objects.create(
        bloc_year=own.bloc_year, code="late", name="Late", unit="count", group="G"
    )
    services.submissions_prepare(bloc_year=own.bloc_year, actor=None)
    assert client.get(_url(own)).text.count('<th scope="row">') == before + 1


def test_last_years_figures_show_at_once(reporting, own, client_for):
    """The "last year" column: the board's approved report of the year before,
    whose approval, reopening and new figures show on this year's page."""
    board = reporting.own_boards[2]
    secretariat = reporting.users["secretariat"]
    last = factories.bloc_year(
        bloc=reporting.own, year=reporting.own_year.year - 1, members=[board]
    )
    services.indicators_copy(bloc_year=last, actor=None)
    services.submissions_prepare(bloc_year=last, actor=None)
    previous = Submission.objects.get(bloc_year=last, board=board)
    officer = reporting.users["board_officer"]
    client = _officer(reporting, client_for)
    _set(previous, "export", "1234,5", client=client)
    assert "1.234,5" not in client.get(_url(own)).text
    previous.refresh_from_db()
    client.post(_url(previous), {**form_data(previous), "action": "submit-empty"})
    previous.refresh_from_db()
    services.submission_approve(submission=previous, actor=secretariat)
    assert '<td class="num">1.234,5</td>' in client.get(_url(own)).text
    previous.refresh_from_db()
    services.submission_reopen(
        submission=previous, actor=secretariat, until=timezone.localdate(), reason="x"
    )
    assert "1.234,5" not in client.get(_url(own)).text
    previous.refresh_from_db()
    services.submission_save(
        submission=previous,
        actor=officer,
        expected_version=previous.version,
        entries={indicator(last, "export").pk: services.Entry(actual=D("99"))},
    )
    previous.refresh_from_db()
    services.submission_submit(
        submission=previous, actor=officer, expected_version=previous.version
    )
    previous.refresh_from_db()
    services.submission_approve(submission=previous, actor=secretariat)
    assert '<td class="num">99</td>' in client.get(_url(own)).text


def test_a_deadline_moved_while_passed_shows_its_new_date(reporting, own, client_for):
    """The same inputs stay locked; only the notice's date changes."""
    client = _officer(reporting, client_for)
    year = reporting.own_year
    year.reporting_deadline = timezone.localdate() - dt.timedelta(days=1)
    year.save()
    first = year.reporting_deadline.strftime("%d/%m/%Y")
    assert first in client.get(_url(own)).text
    year.reporting_deadline -= dt.timedelta(days=1)
    year.save()  # no service, no audit event, no admin log entry
    page = client.get(_url(own)).text
    assert year.reporting_deadline.strftime("%d/%m/%Y") in page
    assert first not in page


def test_a_board_renamed_shows_at_once(reporting, own, client_for):
    """Renamed by the service (audited, no admin log entry): from a day in the
    report's year, the page shows the new name; renamed again from the next
    year on, the page keeps the name the board bore at the year's end."""
    client = _officer(reporting, client_for)
    board = own.board
    year = reporting.own_year.year
    old = board.name
    assert old in client.get(_url(own)).text
    blocs_services.board_rename(
        board=board,
        name="Ban Quản lý <mới>",
        short_name="BQL mới",
        valid_from=dt.date(year, 6, 1),
        actor=None,
    )
    page = client.get(_url(own)).text
    assert "Ban Quản lý &lt;mới&gt;" in page
    assert old not in page
    assert "<title>BQL mới " in page
    blocs_services.board_rename(
        board=board,
        name="Ban Quản lý <mới hơn>",
        short_name="BQL mới hơn",
        valid_from=dt.date(year + 1, 1, 1),
        actor=None,
    )
    page = client.get(_url(own)).text
    assert "Ban Quản lý &lt;mới&gt;" in page
    assert "mới hơn" not in page


def test_a_bloc_renamed_shows_at_once(reporting, own, client_for):
    client = _officer(reporting, client_for)
    bloc = reporting.own
    assert bloc.name in client.get(_url(own)).text
    bloc.name = "Khối <đổi tên>"
    bloc.save()  # no service, no audit event, no admin log entry
    assert "Khối &lt;đổi tên&gt;" in client.get(_url(own)).text
