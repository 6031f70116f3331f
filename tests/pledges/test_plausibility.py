"""Figures probably in the wrong unit (issue 12, point 2): a value a hundred
times or more away from the board's last year or from the bloc's median
warns before submit, is listed for the secretariat to confirm on approval,
and the bloc total that includes it is marked."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from blocs.models import AuditEvent
from pledges import calc, services
from pledges.models import Submission, Value
from tests import factories
from tests.pledges.conftest import form_data, indicator, submission_of

S = Submission.Status
CHANGELIST = "admin:pledges_submission_changelist"
CHECK_UNIT = "kiểm tra đơn vị tính"


# The arithmetic ---------------------------------------------------------------------


def test_a_thousand_times_the_bloc_median_is_an_outlier():
    found = calc.outliers({"export": D(55000)}, {}, {"export": [D(50), D(55), D(60)]})
    assert found == [calc.Outlier("export", D(55000), D(55), "peers")]


def test_a_thousandth_of_last_year_is_an_outlier_too():
    found = calc.outliers({"export": D("30.1")}, {"export": D(30143)}, {})
    assert found == [calc.Outlier("export", D("30.1"), D(30143), "history")]


@pytest.mark.parametrize(
    ("value", "last", "peers"),
    [
        (D(99), D(1), []),  # under a hundred times
        (D(5000), None, [D(10)]),  # one other board is no median
        (D(0), D(50), [D(40), D(60)]),  # zero: an activity stopped
        (D(5000), D(0), [D(0), D(0)]),  # nothing to compare with
        (D(500), D(400), [D(1), D(2)]),  # in line with its own history
    ],
)
def test_ordinary_figures_are_not_outliers(value, last, peers):
    assert calc.outliers({"x": value}, {"x": last}, {"x": peers}) == []


def test_median_of_even_and_odd_counts():
    assert calc.median([D(3), D(1), D(2)]) == D(2)
    assert calc.median([D(4), D(1), D(2), D(3)]) == D("2.5")
    assert calc.median([]) is None


# The board, the secretariat, the totals ------------------------------------------


def _submit(world, board, note="", **figures):
    submission = submission_of(world, board)
    officer = factories.user(role="board_officer", board=board)
    entries = {
        indicator(submission.bloc_year, code.replace("_", "-")).pk: services.Entry(
            actual=D(value), note=note
        )
        for code, value in figures.items()
    }
    return services.submission_submit(
        submission=submission,
        actor=officer,
        expected_version=submission.version,
        entries=entries,
    )


@pytest.fixture
def peers_reported(reporting):
    """Two boards of the bloc reported an export of 50 and 60 million USD."""
    _submit(reporting, reporting.own_boards[0], export="50")
    _submit(reporting, reporting.own_boards[1], export="60")
    return reporting


def _stored(submission) -> tuple:
    return (
        list(Value.objects.filter(submission=submission).values_list("actual", "note")),
        Submission.objects.get(pk=submission.pk).status,
    )


def test_a_thousand_fold_figure_warns_before_submit_and_saves_nothing(
    peers_reported, client_for
):
    world = peers_reported
    board = world.users["board_officer"].board
    own = submission_of(world, board)
    before = _stored(own)
    client = client_for(world.users["board_officer"])
    url = reverse("pledges:submission", args=[own.pk])
    response = client.post(url, {**form_data(own, export="55.000"), "action": "submit"})
    assert response.status_code == 400
    assert CHECK_UNIT in response.text
    assert "55.000" in response.text
    assert "trung vị" in response.text
    assert _stored(own) == before
    noted = form_data(own, export="55.000", note__export="Đúng: tỷ đồng đã quy đổi.")
    assert client.post(url, {**noted, "action": "submit-empty"}).status_code == 302
    assert Submission.objects.get(pk=own.pk).status == S.SUBMITTED


def _action(client, submissions, **extra):
    data = {
        "action": "approve",
        "_selected_action": [s.pk for s in submissions],
        **extra,
    }
    return client.post(reverse(CHANGELIST), data)


def test_approval_lists_each_unusual_figure_to_confirm_and_the_total_is_marked(
    peers_reported, client_for
):
    world = peers_reported
    board = world.users["board_officer"].board
    sub = _submit(world, board, note="Đã kiểm tra.", export="55000")
    client = client_for(world.users["secretariat"])
    page = _action(client, [sub])
    assert page.status_code == 200  # the list to confirm, not yet approved
    assert CHECK_UNIT in page.text
    field = f"confirm_{sub.pk}_export"
    assert f'name="{field}"' in page.text
    refused = _action(client, [sub], apply="1")
    messages = [str(m) for m in refused.wsgi_request._messages]
    assert any("xác nhận từng số liệu bất thường" in m for m in messages)
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED
    assert _action(client, [sub], apply="1", **{field: "on"}).status_code == 302
    assert Submission.objects.get(pk=sub.pk).status == S.APPROVED
    export = Value.objects.get(submission=sub, indicator__code="export")
    assert export.outlier_confirmed
    event = AuditEvent.objects.filter(
        action="submission.approve", object_id=str(sub.pk)
    ).get()
    assert event.changes["confirmed_unusual"] == ["export"]

    totals = client.get(
        reverse("admin:pledges_reportingyear_totals", args=[world.own_year.pk])
    )
    rows = {row.indicator.code: row for row in totals.context["rows"]}
    assert rows["export"].unusual == 1
    assert rows["import"].unusual == 0
    assert "※" in totals.text
    assert "kiểm tra đơn vị tính" in totals.text


def test_reports_without_unusual_figures_are_approved_at_once(
    peers_reported, client_for
):
    sub = submission_of(peers_reported, peers_reported.own_boards[0])
    client = client_for(peers_reported.users["secretariat"])
    assert _action(client, [sub]).status_code == 302
    assert Submission.objects.get(pk=sub.pk).status == S.APPROVED
    assert not Value.objects.filter(submission=sub, outlier_confirmed=True).exists()
    totals = client.get(
        reverse("admin:pledges_reportingyear_totals", args=[peers_reported.own_year.pk])
    )
    assert "※" not in totals.text


def test_the_service_refuses_an_unconfirmed_outlier(peers_reported):
    world = peers_reported
    sub = _submit(
        world, world.users["board_officer"].board, note="Đã kiểm tra.", export="55000"
    )
    with pytest.raises(ValidationError, match=r"55\.000"):
        services.submission_approve(
            submission=sub, actor=world.users["secretariat"], confirmed=["import"]
        )
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED
