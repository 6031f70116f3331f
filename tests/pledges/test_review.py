"""The secretariat's review in the admin, completeness, bloc totals, pledges."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from blocs import services as bloc_services
from blocs.models import AuditEvent
from pledges import services
from pledges.models import Indicator, Pledge, Signature, Submission, Value
from tests import factories
from tests.pledges.conftest import indicator, submission_of

S = Submission.Status
CHANGELIST = "admin:pledges_submission_changelist"


def _submit(world, board, **figures):
    submission = submission_of(world, board)
    officer = factories.user(role="board_officer", board=board)
    entries = {
        indicator(submission.bloc_year, code.replace("_", "-")).pk: services.Entry(
            actual=D(value)
        )
        for code, value in figures.items()
    }
    return services.submission_submit(
        submission=submission,
        actor=officer,
        expected_version=submission.version,
        entries=entries,
    )


def _action(client, action, submissions, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in submissions], **extra}
    return client.post(reverse(CHANGELIST), data)


def test_secretariat_approves_submitted_reports(reporting, client_for):
    sub = _submit(reporting, reporting.own_boards[0], export="10")
    client = client_for(reporting.users["secretariat"])
    response = _action(client, "approve", [sub])
    assert response.status_code == 302
    sub.refresh_from_db()
    assert (sub.status, sub.reviewed_by) == (S.APPROVED, reporting.users["secretariat"])


@pytest.mark.parametrize("role", ["other_secretariat", "ministry"])
def test_others_cannot_approve(reporting, client_for, role):
    sub = _submit(reporting, reporting.own_boards[0], export="10")
    _action(client_for(reporting.users[role]), "approve", [sub])
    sub.refresh_from_db()
    assert sub.status == S.SUBMITTED


def test_approving_a_draft_is_refused_with_a_message(reporting, client_for):
    draft = submission_of(reporting, reporting.own_boards[1])
    client = client_for(reporting.users["secretariat"])
    response = _action(client, "approve", [draft])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("chỉ phê duyệt được báo cáo đã gửi" in m for m in messages)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_return_asks_for_a_reason_then_flags_indicators(reporting, client_for):
    sub = _submit(reporting, reporting.own_boards[0], export="10")
    client = client_for(reporting.users["secretariat"])
    page = _action(client, "return_for_correction", [sub])
    assert page.status_code == 200
    assert "Lý do trả lại" in page.text
    refused = _action(client, "return_for_correction", [sub], apply="1", reason=" ")
    assert refused.status_code == 200  # the form again, with its error
    sub.refresh_from_db()
    assert sub.status == S.SUBMITTED
    export = indicator(sub.bloc_year, "export")
    _action(
        client,
        "return_for_correction",
        [sub],
        apply="1",
        reason="Kiểm tra đơn vị tính xuất khẩu",
        indicators=[export.pk],
    )
    sub.refresh_from_db()
    assert (sub.status, sub.return_reason) == (
        S.RETURNED,
        "Kiểm tra đơn vị tính xuất khẩu",
    )
    assert list(
        sub.values.filter(flagged=True).values_list("indicator__code", flat=True)
    ) == ["export"]
    officer = factories.user(role="board_officer", board=reporting.own_boards[0])
    form = client_for(officer).get(reverse("pledges:submission", args=[sub.pk]))
    assert "Kiểm tra đơn vị tính xuất khẩu" in form.text
    assert "cần kiểm tra" in form.text


def test_service_refuses_return_without_reason_and_database_too(reporting):
    sub = _submit(reporting, reporting.own_boards[0], export="10")
    with pytest.raises(ValidationError, match="Trả lại cần có lý do"):
        services.submission_return(
            submission=sub, actor=reporting.users["secretariat"], reason="   "
        )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=sub.pk).update(status=S.RETURNED, return_reason="")


def test_reopen_from_admin_sets_date_and_reason(reporting, client_for):
    sub = _submit(reporting, reporting.own_boards[0], export="10")
    services.submission_approve(submission=sub, actor=reporting.users["secretariat"])
    client = client_for(reporting.users["secretariat"])
    until = timezone.localdate() + dt.timedelta(days=5)
    _action(
        client,
        "reopen",
        [sub],
        apply="1",
        until=until.strftime("%d/%m/%Y"),
        reason="Bổ sung số liệu",
    )
    sub.refresh_from_db()
    assert (sub.status, sub.reopened_until) == (S.RETURNED, until)


def test_closed_year_cannot_be_reviewed(reporting):
    sub = _submit(reporting, reporting.own_boards[0], export="10")
    from blocs import services as bloc_services

    bloc_services.bloc_year_upsert(
        bloc=reporting.own, year=reporting.own_year.year, status="closed"
    )
    with pytest.raises(PermissionDenied):
        services.submission_approve(
            submission=sub, actor=reporting.users["secretariat"]
        )


# Completeness and totals ------------------------------------------------------


SEED_000 = {
    # board index: (new projects, registered capital mUSD, plan mUSD)
    0: ("40", "800.2", "300.00"),
    1: ("35", "650.5", "250.00"),
    2: ("20", "400.0", "150.00"),
    3: ("15", "300.0", "120.00"),
    4: ("10", "150.0", "90.00"),
    5: ("7", "100.0", "56.87"),
    6: ("5", "70.0", "50.00"),
}


@pytest.fixture
def seed_000_year(db):
    """An 11-member bloc; 7 report seed 000's 2016 figures split across them."""
    bloc = factories.bloc(short_name="DHMT-T", name="Cụm thi đua Duyên hải miền Trung")
    boards = [factories.board() for _ in range(11)]
    year = factories.bloc_year(bloc=bloc, year=2016, members=boards, head=boards[0])
    services.indicators_copy(bloc_year=year, actor=None)
    services.submissions_prepare(bloc_year=year, actor=None)
    projects = indicator(year, "new-projects")
    capital = indicator(year, "new-capital-usd")
    for i, (n, actual, plan) in SEED_000.items():
        sub = Submission.objects.get(bloc_year=year, board=boards[i])
        Value.objects.filter(submission=sub, indicator=projects).update(actual=D(n))
        Value.objects.filter(submission=sub, indicator=capital).update(
            actual=D(actual), plan=D(plan)
        )
    return year, boards


def test_bloc_totals_reproduce_seed_000(seed_000_year, client_for):
    year, _boards = seed_000_year
    client = client_for(factories.user(superuser=True))
    page = client.get(reverse("admin:pledges_reportingyear_totals", args=[year.pk]))
    rows = {r.indicator.code: r.total for r in page.context["rows"]}
    assert rows["new-projects"].actual == 132
    assert rows["new-capital-usd"].actual == D("2470.7")
    assert rows["new-capital-usd"].plan == D("1016.87")
    assert rows["new-capital-usd"].percent == D("242.97")
    assert rows["new-capital-usd"].reported == 7
    assert "2.470,7" in page.text
    assert "242,97%" in page.text
    assert "1.016,87" in page.text


def test_completeness_for_eleven_boards(seed_000_year, client_for):
    year, boards = seed_000_year
    pledge = services.pledge_create(bloc_year=year, actor=None)
    services.pledge_open(pledge=pledge, actor=None)
    signer = factories.user(role="board_officer", board=boards[8])
    services.pledge_sign(pledge=pledge, actor=signer)
    sub = Submission.objects.get(bloc_year=year, board=boards[8])
    services.submission_submit(
        submission=sub, actor=signer, expected_version=sub.version
    )
    client = client_for(factories.user(superuser=True))
    page = client.get(
        reverse("admin:pledges_reportingyear_completeness", args=[year.pk])
    )
    rows = page.context["rows"]
    assert len(rows) == 11
    by_board = {r.membership.board_id: r for r in rows}
    assert by_board[boards[8].pk].signature is not None
    assert by_board[boards[8].pk].submission.status == S.SUBMITTED
    assert sum(r.signature is not None for r in rows) == 1
    assert sum(r.submission.submitted_at is not None for r in rows) == 1
    assert boards[8].name in page.text


@pytest.mark.parametrize(("n_boards", "n_indicators"), [(7, 10), (15, 60)])
def test_pages_run_fixed_queries(
    db, client_for, django_assert_max_num_queries, n_boards, n_indicators
):
    bloc = factories.bloc()
    boards = [factories.board() for _ in range(n_boards)]
    year = factories.bloc_year(bloc=bloc, year=2025, members=boards)
    Indicator.objects.bulk_create(
        Indicator(
            bloc_year=year,
            code=f"i{i}",
            name=f"Chỉ tiêu {i}",
            unit="count",
            kind="integer",
            group=f"Nhóm {i // 10}",
            order=i,
        )
        for i in range(n_indicators)
    )
    services.submissions_prepare(bloc_year=year, actor=None)
    officer = factories.user(role="board_officer", board=boards[0])
    secretariat = factories.user(role="secretariat", bloc=bloc)
    sub = Submission.objects.get(bloc_year=year, board=boards[0])
    officer_client = client_for(officer)
    # The report page as built (not cached): test_report_form says which.
    with django_assert_max_num_queries(11):
        assert (
            officer_client.get(reverse("pledges:submission", args=[sub.pk])).status_code
            == 200
        )
    admin = client_for(secretariat)
    with django_assert_max_num_queries(12):
        assert admin.get(reverse(CHANGELIST)).status_code == 200
    with django_assert_max_num_queries(10):
        assert (
            admin.get(
                reverse("admin:pledges_reportingyear_completeness", args=[year.pk])
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(10):
        assert (
            admin.get(
                reverse("admin:pledges_reportingyear_totals", args=[year.pk])
            ).status_code
            == 200
        )


# Pledge signing -------------------------------------------------------------------


def test_board_signs_once_while_open(reporting, client_for):
    pledge = Pledge.objects.get(bloc_year=reporting.own_year)
    client = client_for(reporting.users["board_officer"])
    url = reverse("pledges:pledge", args=[pledge.pk])
    client.post(url)
    assert not Signature.objects.exists()  # still a draft
    services.pledge_open(pledge=pledge, actor=reporting.users["secretariat"])
    assert "Ký thay mặt đơn vị" in client.get(url).text
    client.post(url, {"confirmed": "yes"})
    client.post(url, {"confirmed": "yes"})
    assert Signature.objects.filter(pledge=pledge).count() == 1
    assert AuditEvent.objects.filter(action="pledge.sign").count() == 1
    services.pledge_close(pledge=pledge, actor=reporting.users["secretariat"])
    with pytest.raises(ValidationError):
        services.pledge_open(pledge=pledge, actor=reporting.users["secretariat"])


def test_a_paper_signature_keeps_its_date_but_never_a_future_one(reporting):
    pledge = services.pledge_open(
        pledge=Pledge.objects.get(bloc_year=reporting.own_year), actor=None
    )
    officer = reporting.users["board_officer"]
    later = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.pledge_sign(pledge=pledge, actor=officer, signed_at=later)
    assert not Signature.objects.exists()
    on_paper = dt.datetime(2023, 3, 15, 2, tzinfo=dt.UTC)
    # A year run in the portal takes the clock's date, not a stated one.
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="recorded after the fact"),
    ):
        services.pledge_sign(pledge=pledge, actor=officer, signed_at=on_paper)
    assert not Signature.objects.exists()
    bloc_services.bloc_year_upsert(
        bloc=reporting.own, year=reporting.own_year.year, recorded_after_fact=True
    )
    with pytest.raises(ValidationError):
        services.pledge_sign(pledge=pledge, actor=officer, signed_at=later)
    services.pledge_sign(pledge=pledge, actor=officer, signed_at=on_paper)
    assert Signature.objects.get(pledge=pledge).signed_at == on_paper


def test_other_bloc_cannot_see_or_sign_the_pledge(reporting, client_for):
    pledge = Pledge.objects.get(bloc_year=reporting.other_year)
    services.pledge_open(pledge=pledge, actor=None)
    client = client_for(reporting.users["board_officer"])
    url = reverse("pledges:pledge", args=[pledge.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Signature.objects.exists()


def test_only_the_secretariat_opens_signing(reporting):
    pledge = Pledge.objects.get(bloc_year=reporting.own_year)
    for role in ("other_secretariat", "ministry", "board_officer"):
        with pytest.raises(PermissionDenied):
            services.pledge_open(pledge=pledge, actor=reporting.users[role])
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DRAFT


def test_closed_pledge_cannot_change_in_the_admin(reporting, client_for):
    pledge = Pledge.objects.get(bloc_year=reporting.own_year)
    secretariat = reporting.users["secretariat"]
    services.pledge_open(pledge=pledge, actor=secretariat)
    services.pledge_close(pledge=pledge, actor=secretariat)
    client = client_for(secretariat)
    url = reverse("admin:pledges_pledge_change", args=[pledge.pk])
    response = client.post(url, {"title": "Đổi tiêu đề", "signing_place": "X"})
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.title != "Đổi tiêu đề"
    assert pledge.commitments.count() == 5


def test_last_years_approved_value_is_shown_beside_the_field(reporting, client_for):
    from blocs import services as bloc_services

    board = reporting.own_boards[2]
    last = factories.bloc_year(bloc=reporting.other, year=2022, members=[board])
    services.indicators_copy(bloc_year=last, actor=None)
    services.submissions_prepare(bloc_year=last, actor=None)
    old = Submission.objects.get(bloc_year=last, board=board)
    officer = reporting.users["board_officer"]
    services.submission_submit(
        submission=old,
        actor=officer,
        expected_version=old.version,
        entries={indicator(last, "export").pk: services.Entry(actual=D("58884.59"))},
    )
    secretariat = factories.user(role="secretariat", bloc=reporting.other)
    services.submission_approve(submission=old, actor=secretariat)
    bloc_services.bloc_year_upsert(bloc=reporting.other, year=2022, status="closed")
    current = submission_of(reporting, board)
    page = client_for(officer).get(reverse("pledges:submission", args=[current.pk]))
    assert "58.884,59" in page.text
    assert services.last_year_values(current)["export"] == D("58884.59")


def test_signing_asks_to_confirm_first(reporting, client_for):
    """Issue 11: signing the pledge was one click with no confirmation."""
    pledge = services.pledge_open(
        pledge=Pledge.objects.get(bloc_year=reporting.own_year), actor=None
    )
    client = client_for(reporting.users["board_officer"])
    url = reverse("pledges:pledge", args=[pledge.pk])
    page = client.post(url)
    assert page.status_code == 200
    board = reporting.users["board_officer"].board
    assert f"thay mặt {board.name}" in page.text
    assert 'name="confirmed" value="yes"' in page.text
    assert not Signature.objects.exists()
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert Signature.objects.get(pledge=pledge).board == board
