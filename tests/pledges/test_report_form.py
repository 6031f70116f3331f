"""A board's report form: scope, Vietnamese numbers, locks, conflicts, rules."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from blocs.models import AuditEvent
from pledges import selectors, services
from pledges.forms import ReportForm, rows_html
from pledges.models import Indicator, Submission, Value
from tests import factories
from tests.pledges.conftest import form_data, indicator, submission_of

S = Submission.Status


def _url(submission):
    return reverse("pledges:submission", args=[submission.pk])


def _values(submission):
    return dict(
        submission.values.values_list("indicator__code", "actual").order_by("pk")
    )


def _stored(submission):
    return sorted(
        Value.objects.filter(submission=submission).values_list(
            "indicator__code", "plan", "actual", "text", "note"
        )
    )


@pytest.fixture
def own(reporting):
    """The board officer's submission and a logged-in client."""
    return submission_of(reporting, reporting.own_boards[2])


def _officer(reporting, client_for):
    return client_for(reporting.users["board_officer"])


# 1. Scope -----------------------------------------------------------------


def test_officer_sees_and_saves_own_board_report(reporting, own, client_for):
    client = _officer(reporting, client_for)
    assert client.get(_url(own)).status_code == 200
    response = client.post(
        _url(own), form_data(own, new_projects="12", new_projects_fdi="12")
    )
    assert response.status_code == 302
    assert _values(own)["new-projects"] == D(12)


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_boards_report_answers_404(reporting, own, client_for, method):
    neighbour = submission_of(reporting, reporting.own_boards[0])
    other_bloc = Submission.objects.get(board=reporting.other_boards[0])
    client = _officer(reporting, client_for)
    for submission in (neighbour, other_bloc):
        before = _stored(submission)
        response = getattr(client, method)(
            _url(submission), form_data(submission, new_projects="99")
        )
        assert response.status_code == 404
        assert _stored(submission) == before


@pytest.mark.parametrize("role", ["ministry", "secretariat"])
def test_ministry_and_secretariat_read_but_cannot_change(
    reporting, own, client_for, role
):
    client = client_for(reporting.users[role])
    page = client.get(_url(own))
    assert page.status_code == 200
    assert 'name="action"' not in page.text
    before = _stored(own)
    response = client.post(_url(own), form_data(own, new_projects="99"))
    assert response.status_code == 403
    assert _stored(own) == before


def test_other_secretariat_gets_404(reporting, own, client_for):
    client = client_for(reporting.users["other_secretariat"])
    assert client.get(_url(own)).status_code == 404


def test_approved_report_is_locked_until_the_secretariat_reopens_it(
    reporting, own, client_for
):
    officer = reporting.users["board_officer"]
    client = _officer(reporting, client_for)
    client.post(
        _url(own),
        {
            **form_data(own, new_projects="5", new_projects_fdi="5"),
            "action": "submit-empty",
        },
    )
    own.refresh_from_db()
    assert own.status == S.SUBMITTED
    services.submission_approve(submission=own, actor=reporting.users["secretariat"])
    own.refresh_from_db()
    page = client.get(_url(own))
    approver = (
        reporting.users["secretariat"].get_full_name()
        or reporting.users["secretariat"].username
    )
    assert f"Đã được {approver} phê duyệt ngày" in page.text
    before = _stored(own)
    response = client.post(
        _url(own), form_data(own, new_projects="6", new_projects_fdi="6")
    )
    assert response.status_code == 400
    assert _stored(own) == before
    with pytest.raises(ValidationError, match="phê duyệt"):  # the service refuses too
        services.submission_save(
            submission=own,
            actor=officer,
            expected_version=own.version,
            entries={
                indicator(own.bloc_year, "new-projects").pk: services.Entry(actual=D(7))
            },
        )
    assert _stored(own) == before
    services.submission_reopen(
        submission=own,
        actor=reporting.users["secretariat"],
        until=timezone.localdate(),
        reason="Sửa số dự án",
    )
    own.refresh_from_db()
    response = client.post(
        _url(own), form_data(own, new_projects="6", new_projects_fdi="6")
    )
    assert response.status_code == 302
    assert _values(own)["new-projects"] == D(6)


# 2. Numbers in the user's language -----------------------------------------


def test_vietnamese_numbers_are_read_and_shown_back(reporting, own, client_for):
    client = _officer(reporting, client_for)
    response = client.post(
        _url(own),
        form_data(
            own,
            new_capital_usd="2.470,7",
            valid_projects="1.229",
            plan__new_capital_usd="1.016,87",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    values = _values(own)
    assert values["new-capital-usd"] == D("2470.7")
    assert values["valid-projects"] == D(1229)
    page = client.get(_url(own)).text
    assert 'value="2.470,7"' in page
    assert 'value="1.229"' in page
    assert "242,97%" in page  # % of plan computed from the stored figures


def test_english_numbers_in_english(reporting, own, client_for):
    client = _officer(reporting, client_for)
    client.post(reverse("set_language"), {"language": "en"})
    data = form_data(own)
    data[f"actual_{indicator(own.bloc_year, 'new-capital-usd').pk}"] = "2,470.7"
    data[f"actual_{indicator(own.bloc_year, 'valid-projects').pk}"] = "1,229"
    assert client.post(_url(own), data).status_code == 302
    values = _values(own)
    assert (values["new-capital-usd"], values["valid-projects"]) == (
        D("2470.7"),
        D(1229),
    )
    assert 'value="2,470.7"' in client.get(_url(own)).text


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("new-capital-usd", "abc", "Nhập một số theo dạng 2.470,7"),
        ("new-projects", "12,5", "Nhập một số nguyên theo dạng 2.470,"),
        ("new-projects", "-3", "Không được là số âm."),
        (
            "export",
            "9.999.999.999.999.999",
            "Không được lớn hơn 1.000.000.000.000.000.",
        ),
        ("occupancy", "101", "Không được lớn hơn 100."),
    ],
)
def test_bad_numbers_are_refused_next_to_the_field(
    reporting, own, client_for, code, typed, message
):
    client = _officer(reporting, client_for)
    services.submission_save(
        submission=own,
        actor=reporting.users["board_officer"],
        expected_version=own.version,
        entries={
            indicator(own.bloc_year, "export").pk: services.Entry(actual=D("58884.59"))
        },
    )
    own.refresh_from_db()
    before = _stored(own)
    data = form_data(own)
    field = f"actual_{indicator(own.bloc_year, code).pk}"
    data[field] = typed
    response = client.post(_url(own), {**data, "action": "submit"})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert message in response.text
    assert f'value="{typed}"' in response.text  # what was typed is kept
    assert _stored(own) == before


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("en", "2,5", "“2,5” is ambiguous: write 2.5."),
        ("en", "0,00001", "write 0.00001."),
        ("en", "1,2,3", "Enter a number written like 2,470.7"),
        ("en", "12,5,", "Enter a number written like 2,470.7"),
        ("en", "1_000", "Enter a number written like 2,470.7"),
        ("vi", "1.2.3", "Nhập một số theo dạng 2.470,7"),
        ("vi", "1,2,3", "Nhập một số theo dạng 2.470,7"),
        ("vi", "12,5,", "Nhập một số theo dạng 2.470,7"),
        ("vi", "1_000", "Nhập một số theo dạng 2.470,7"),
        ("vi", "2,470.7", "“2,470.7” không rõ nghĩa: hãy viết 2.470,7."),
    ],
)
def test_malformed_or_ambiguous_numbers_are_refused_never_multiplied(
    reporting, own, client_for, language, typed, message
):
    """Django's localized field read "2,5" in English as 25 and "1.2.3" in
    Vietnamese as 123: now refused with the expected format, nothing stored."""
    client = _officer(reporting, client_for)
    client.post(reverse("set_language"), {"language": language})
    before = _stored(own)
    data = form_data(own)
    field = f"plan_{indicator(own.bloc_year, 'new-capital-usd').pk}"
    data[field] = typed
    response = client.post(_url(own), {**data, "action": "save"})
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert f'value="{typed}"' in response.text
    assert _stored(own) == before


# 3. Two officers, one draft --------------------------------------------------


def test_stale_save_gets_a_conflict_and_loses_nothing(
    reporting, own, client_for, client
):
    second = factories.user(role="board_officer", board=reporting.own_boards[2])
    first_page = form_data(own)
    second_page = form_data(own)
    client_for(reporting.users["board_officer"])
    ok = client.post(_url(own), {**first_page, **form_data(own, export="100")})
    assert ok.status_code == 302
    assert _values(own)["export"] == D(100)
    from django.test import Client

    other = Client()
    other.force_login(second)
    stale = dict(second_page)
    stale[f"actual_{indicator(own.bloc_year, 'import').pk}"] = "55"
    response = other.post(_url(own), stale)
    assert response.status_code == 409
    assert "sau khi bạn mở" in response.text
    assert 'value="55"' in response.text  # the second officer's entry is still there
    values = _values(own)
    assert values["export"] == D(100)  # the first save is not overwritten
    assert values["import"] is None


# 4. Deadlines ----------------------------------------------------------------


def test_submit_refused_after_deadline_and_reopen_frees_only_that_board(
    reporting, client_for
):
    year = reporting.own_year
    year.reporting_deadline = timezone.localdate() - dt.timedelta(days=1)
    year.save()
    mine = submission_of(reporting, reporting.own_boards[2])
    neighbour = submission_of(reporting, reporting.own_boards[1])
    neighbour_officer = factories.user(
        role="board_officer", board=reporting.own_boards[1]
    )
    client = _officer(reporting, client_for)
    page = client.get(_url(mine))
    deadline = year.reporting_deadline.strftime("%d/%m/%Y")
    assert f"Hạn báo cáo đã qua ngày {deadline}" in page.text
    response = client.post(
        _url(mine), {**form_data(mine, export="1"), "action": "submit"}
    )
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.status == S.DRAFT
    services.submission_reopen(
        submission=mine,
        actor=reporting.users["secretariat"],
        until=timezone.localdate() + dt.timedelta(days=3),
        reason="Gia hạn",
    )
    mine.refresh_from_db()
    assert "Mở lại cho đơn vị đến ngày" in client.get(_url(mine)).text
    response = client.post(
        _url(mine), {**form_data(mine, export="1"), "action": "submit-empty"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == S.SUBMITTED
    with pytest.raises(ValidationError, match="Hạn báo cáo đã qua"):
        services.submission_submit(
            submission=neighbour,
            actor=neighbour_officer,
            expected_version=neighbour.version,
        )
    neighbour.refresh_from_db()
    assert neighbour.status == S.DRAFT


def test_plans_lock_after_registration_deadline(reporting, own, client_for):
    year = reporting.own_year
    year.registration_deadline = timezone.localdate() - dt.timedelta(days=1)
    year.save()
    client = _officer(reporting, client_for)
    before = _stored(own)
    data = form_data(own, plan__export="500")
    response = client.post(_url(own), data)
    # The plan field is disabled: the posted plan is ignored, nothing changes.
    assert response.status_code == 302
    assert _stored(own) == before
    assert "Đăng ký đã kết thúc ngày" in client.get(_url(own)).text


# 5. Validation rules -----------------------------------------------------------


def test_blocking_rule_stops_submission_with_its_message(reporting, own, client_for):
    client = _officer(reporting, client_for)
    before = _stored(own)
    data = form_data(own, new_projects="10", new_projects_fdi="3", new_projects_ddi="2")
    response = client.post(_url(own), {**data, "action": "submit"})
    assert response.status_code == 400
    assert "Số dự án FDI cộng DDI phải bằng tổng số dự án cấp mới." in response.text
    own.refresh_from_db()
    assert own.status == S.DRAFT
    assert _stored(own) == before  # a refused submit saves nothing


def test_warning_needs_a_note(reporting, own, client_for):
    client = _officer(reporting, client_for)
    data = form_data(own, export="400", plan__export="100")
    response = client.post(_url(own), {**data, "action": "submit"})
    assert response.status_code == 400
    assert "Đạt trên 300% kế hoạch" in response.text
    assert "hãy ghi chú" in response.text
    own.refresh_from_db()
    assert own.status == S.DRAFT
    data = form_data(own, export="400", plan__export="100", note__export="Có dự án lớn")
    response = client.post(_url(own), {**data, "action": "submit-empty"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == S.SUBMITTED


def test_registration_needs_every_plan(reporting, own, client_for):
    client = _officer(reporting, client_for)
    response = client.post(
        _url(own), {**form_data(own, plan__export="100"), "action": "register"}
    )
    assert response.status_code == 400
    assert "Nhập kế hoạch cho mọi chỉ tiêu có kế hoạch" in response.text
    own.refresh_from_db()
    assert own.registered_at is None


# 8. History ----------------------------------------------------------------------


def test_every_change_is_audited_with_old_and_new_values(reporting, own, client_for):
    client = _officer(reporting, client_for)
    client.post(_url(own), form_data(own, export="100"))
    own.refresh_from_db()
    client.post(_url(own), form_data(own, export="120,5", note__export="điều chỉnh"))
    events = list(
        AuditEvent.objects.filter(
            object_type="pledges.submission", object_id=str(own.pk)
        ).order_by("at", "pk")
    )
    assert [e.changes["export"]["actual"] for e in events] == [
        [None, "100"],
        ["100", "120.5"],
    ]
    assert events[1].changes["export"]["note"] == ["", "điều chỉnh"]
    assert {e.actor for e in events} == {reporting.users["board_officer"]}
    admin = client_for(reporting.users["secretariat"])
    page = admin.get(reverse("admin:pledges_submission_history", args=[own.pk]))
    assert page.status_code == 200
    for text in (
        "120.5",
        "100",
        "điều chỉnh",
        reporting.users["board_officer"].username,
    ):
        assert text in page.text


# 9. The table's inputs, and what the page costs ----------------------------------

KINDS = ("integer", "decimal", "boolean", "text")
ODD = "Chỉ tiêu <b>\"&'</b>"  # a name that needs escaping in a label


def _mixed_submission(n_indicators: int) -> Submission:
    """A one-board year whose indicators take every kind, with and without a
    plan, bounds and negative values; half of them hold figures, texts and
    notes with characters that need escaping."""
    board = factories.board()
    year = factories.bloc_year(year=2025, members=[board])
    Indicator.objects.bulk_create(
        Indicator(
            bloc_year=year,
            code=f"i{i}",
            name=f"{ODD} {i}",
            unit="count",
            kind=KINDS[i % 4],
            has_plan=i % 3 != 2,
            allow_negative=i % 5 == 1,
            max_value=D(5000) if i % 7 == 3 else None,
            group=f"Nhóm {i // 10}",
            order=i,
        )
        for i in range(n_indicators)
    )
    services.submissions_prepare(bloc_year=year, actor=None)
    submission = Submission.objects.get(bloc_year=year, board=board)
    figures = {
        "integer": (D(1000), D(1229)),
        "decimal": (D("1016.87"), D("2470.7")),
        "boolean": (D(1), D(1)),
        "text": (D(3), None),
    }
    entries = {}
    for ind in year.indicators.all():
        if int(ind.code[1:]) % 2:
            continue
        plan, actual = figures[ind.kind]
        entries[ind.pk] = services.Entry(
            plan=plan if ind.has_plan else None,
            actual=actual,
            text='a </textarea> & "b"' if ind.kind == "text" else "",
            note="ghi chú <i>",
        )
    services.submission_save(
        submission=submission,
        actor=factories.user(role="board_officer", board=board),
        expected_version=submission.version,
        entries=entries,
    )
    submission.refresh_from_db()
    return submission


# The report table's rows as a template loop writes them: ``rows_html``
# writes them in Python and must come out the same.
ROWS_LOOP = """{% load i18n %}{% translate "to check" as to_check %}{% for row in rows %}
      {% ifchanged row.group %}<tr class="group"><th colspan="7" scope="rowgroup">{{ row.group }}</th></tr>{% endifchanged %}
      <tr{% if row.flagged %} class="flagged"{% endif %}>
        <th scope="row">{{ row.name }}{% if row.flagged %} <span class="flag">⚑ {{ to_check }}</span>{% endif %}</th>
        <td>{{ row.unit }}</td>
        <td class="num">{{ row.last_year }}</td>
        <td>{% if row.plan %}{{ row.plan }}{% if row.plan_unit %} {{ row.plan_unit }}{% endif %}{{ row.plan.errors }}{% else %}—{% endif %}</td>
        <td>{{ row.actual }}{% if row.actual_unit %} {{ row.actual_unit }}{% endif %}{{ row.actual.errors }}</td>
        <td class="num">{% if row.percent is not None %}{{ row.percent }}%{% else %}—{% endif %}</td>
        <td>{{ row.note }}{{ row.note.errors }}</td>
      </tr>
    {% endfor %}"""  # noqa: E501


GARBAGE = ("abc", "-5", "12,5", '<b>"x"</b>', "", "1.229", "2.470,7", "1", "9")


def _garbage(form) -> dict:
    data = {"version": "1", "award_target": "nonsense"}
    for i, name in enumerate(form.fields):
        if name.startswith(("plan_", "actual_")):
            data[name] = GARBAGE[i % len(GARBAGE)]
        elif name.startswith(("note_", "text_")):
            data[name] = "x" * 5100 if i % 5 == 0 else f"{GARBAGE[i % 9]} </textarea>"
    return data


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("plans_locked", "values_locked"), [(False, False), (True, False), (True, True)]
)
@pytest.mark.parametrize("bound", [False, True], ids=["shown", "posted"])
def test_table_inputs_are_written_as_djangos_widgets_write_them(
    db, language, plans_locked, values_locked, bound
):
    """The page writes its inputs without Django's widget templates: each
    must come out exactly as ``{{ field }}{{ field.errors }}`` would, with the
    value in the user's language, disabled when locked and the error markup
    (aria-invalid, aria-describedby, the error list) when refused."""
    submission = _mixed_submission(12)
    # A flagged row, and a name and group that need escaping.
    first = Value.objects.filter(submission=submission).order_by("pk").first()
    Value.objects.filter(pk=first.pk).update(flagged=True)
    Indicator.objects.filter(pk=first.indicator_id).update(
        name='Vốn <b>"FDI"</b> & DDI', group="Nhóm <0>"
    )
    values = selectors.values_of(submission)
    last_year = {values[1].indicator.code: D("2470.7"), values[2].indicator.code: 0}
    kwargs = {
        "initial": ReportForm.initial_for(submission, values),
        "values": values,
        "plans_locked": plans_locked,
        "values_locked": values_locked,
    }
    with translation.override(language):
        form = ReportForm(**kwargs)
        if bound:
            form = ReportForm(_garbage(form), **kwargs)
            assert form.errors or (plans_locked and values_locked)
        kinds = set()
        for name in form.fields:
            cell = form.cell(name)
            assert (str(cell), cell.errors) == (
                str(form[name]),
                str(form[name].errors),
            ), name
            kinds.add(str(cell).split(" ", 1)[0])
        table = form.table(last_year)
        rows = rows_html(table)
        assert rows == Template(ROWS_LOOP).render(Context({"rows": table}))
    assert kinds == {"<input", "<select", "<textarea"}
    assert rows.count('<tr class="flagged">') == 1
    escaped = "Vốn &lt;b&gt;&quot;FDI&quot;&lt;/b&gt; &amp; DDI"
    assert f'<th scope="row">{escaped} <span class="flag">' in rows
    assert len(table) == 12
    for row, value in zip(table, values, strict=True):
        assert (row.plan is None) == (not value.indicator.has_plan)


def test_locked_plans_show_disabled_plan_inputs_only(reporting, own, client_for):
    year = reporting.own_year
    year.registration_deadline = timezone.localdate() - dt.timedelta(days=1)
    year.save()
    page = _officer(reporting, client_for).get(_url(own)).text
    plan = indicator(own.bloc_year, "export").pk
    assert (
        f'name="plan_{plan}" inputmode="decimal" disabled id="id_plan_{plan}">' in page
    )
    assert f'name="actual_{plan}" inputmode="decimal" id="id_actual_{plan}">' in page


def test_refused_entry_is_marked_next_to_its_input(reporting, own, client_for):
    field = f"actual_{indicator(own.bloc_year, 'new-projects').pk}"
    data = {**form_data(own), field: "<b>12,5</b>"}
    page = _officer(reporting, client_for).post(_url(own), data).text
    assert (
        f'<input type="text" name="{field}" value="&lt;b&gt;12,5&lt;/b&gt;" '
        f'inputmode="numeric" aria-invalid="true" '
        f'aria-describedby="id_{field}_error" id="id_{field}">'
        f'<ul class="errorlist" id="id_{field}_error"><li>'
    ) in page
    assert "<b>12,5</b>" not in page


@pytest.mark.parametrize("n_indicators", [8, 60])
def test_report_page_runs_fixed_queries_whatever_the_indicators(
    db, client_for, django_assert_max_num_queries, n_indicators
):
    submission = _mixed_submission(n_indicators)
    client = client_for(factories.user(role="board_officer", board=submission.board))
    url = _url(submission)
    # Session, user, submission (with its cache key), cache; on a miss the
    # values, last year's figures, the evidence, the board's name in the
    # report's year and the cache's write (in a test's transaction: savepoint,
    # upsert, release).
    with django_assert_max_num_queries(11):
        page = client.get(url)
    assert page.status_code == 200
    assert page.text.count('<th scope="row">') == n_indicators
    with django_assert_max_num_queries(4):  # a hit
        again = client.get(url)
    assert again.text.count('<th scope="row">') == n_indicators
    data = _garbage(page.context["form"]) | {"version": str(submission.version)}
    with django_assert_max_num_queries(7):
        refused = client.post(url, data)
    assert refused.status_code == 400
    assert refused.text.count('aria-invalid="true"') >= n_indicators // 2


@pytest.mark.parametrize("n_indicators", [8, 60])
def test_save_and_submit_run_fixed_queries_whatever_the_indicators(
    db, client_for, django_assert_max_num_queries, n_indicators
):
    """Issue 15: a save ran 21 queries, 9 of them the model's checks of
    relations and constraints the services never change; a submit 25."""
    submission = _mixed_submission(n_indicators)
    client = client_for(factories.user(role="board_officer", board=submission.board))
    url = _url(submission)
    first = next(v for v in submission.values.all() if v.note)
    data = form_data(submission) | {f"note_{first.indicator_id}": "đã đối chiếu"}
    # Session, user, the report and its values; under the lock the report
    # again with its relations, its values, their update, the report's and
    # the audit event.
    with django_assert_max_num_queries(11):
        saved = client.post(url, {**data, "action": "save"})
    assert saved.status_code == 302
    submission.refresh_from_db()
    assert submission.version == 3  # prepared, filled in, saved here
    assert submission.values.get(pk=first.pk).note == "đã đối chiếu"
    data = form_data(submission)
    # And the year's rules, last year's figures, the bloc's figures for the
    # outliers and the flags.
    with django_assert_max_num_queries(15):
        submitted = client.post(url, {**data, "action": "submit-empty"})
    assert submitted.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert AuditEvent.objects.filter(
        object_id=str(submission.pk), action="submission.submit"
    ).exists()


# Empty results are confirmed before submitting (issue 11) ---------------------


def test_submit_with_empty_results_lists_them_and_saves_nothing(
    reporting, own, client_for
):
    """Issue 11: a report went in with 25 of 28 results empty, without a word."""
    client = _officer(reporting, client_for)
    before = _stored(own)
    data = form_data(own, new_projects="5", new_projects_fdi="5")
    response = client.post(_url(own), {**data, "action": "submit"})
    assert response.status_code == 200
    empty = services.submission_empty_results(own)  # nothing was saved: all
    assert len(empty) == own.values.count()
    listed = response.context["empty_results"]
    assert indicator(own.bloc_year, "export").name in listed
    assert indicator(own.bloc_year, "new-projects").name not in listed
    assert len(listed) == own.values.count() - 2
    for name in listed:
        assert f"<li>{name}</li>" in response.text
    assert 'value="submit-empty"' in response.text
    assert 'value="5"' in response.text  # what was typed is kept
    own.refresh_from_db()
    assert own.status == S.DRAFT
    assert _stored(own) == before


def test_submit_with_empty_results_goes_through_once_confirmed(
    reporting, own, client_for
):
    client = _officer(reporting, client_for)
    data = form_data(own, new_projects="5", new_projects_fdi="5")
    response = client.post(_url(own), {**data, "action": "submit-empty"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == S.SUBMITTED
    assert _values(own)["new-projects"] == D(5)
    assert indicator(own.bloc_year, "export").name in (
        services.submission_empty_results(own)
    )
