"""A past year recorded after the fact (issue 11, acceptance 4): the
secretariat enters from paper the signatures and reports with the dates they
bore, without moving deadlines or reopening board by board; the year is
marked so in the admin, the pages and the documents, which keep its dates."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from blocs import services as bloc_services
from blocs.models import AuditEvent, BlocYear
from pledges import services as pledges
from pledges.models import Pledge, Signature, Submission
from reports import documents
from reports import services as report_services
from scoring import services as scoring
from tests import factories

MARK = "được nhập sau khi năm kết thúc, theo văn bản giấy"


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def paper_year(world):
    """world.own_year (2023) as it ran on paper: its deadlines long passed,
    its pledge signed in Đà Nẵng on 15/01/2023, its conference 20/01/2024."""
    year = bloc_services.bloc_year_upsert(
        bloc=world.own,
        year=world.own_year.year,
        recorded_after_fact=True,
        registration_deadline=dt.date(2023, 2, 28),
        reporting_deadline=dt.date(2024, 1, 10),
        conference_date=dt.date(2024, 1, 20),
        conference_place="Đà Nẵng",
    )
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    pledge = pledges.pledge_create(
        bloc_year=year,
        actor=None,
        signing_date=dt.date(2023, 1, 15),
        signing_place="Đà Nẵng",
    )
    pledges.pledge_open(pledge=pledge, actor=None)
    return year


def _record(world, year):
    """The secretariat enters the paper: each board's signature of
    15/01/2023 and each report as submitted on 08/01/2024."""
    secretariat = world.users["secretariat"]
    pledge = Pledge.objects.get(bloc_year=year)
    for board in world.own_boards:
        pledges.pledge_sign_recorded(
            pledge=pledge,
            board=board,
            signed_at=_at(dt.date(2023, 1, 15)),
            actor=secretariat,
        )
    for sub in Submission.objects.filter(bloc_year=year):
        pledges.submission_submit(
            submission=sub,
            actor=secretariat,
            expected_version=sub.version,
            submitted_at=_at(dt.date(2024, 1, 8)),
        )


def test_secretariat_records_signatures_and_reports_with_their_paper_dates(
    world, paper_year
):
    _record(world, paper_year)
    signed = set(
        Signature.objects.filter(pledge__bloc_year=paper_year).values_list(
            "signed_at", flat=True
        )
    )
    assert signed == {_at(dt.date(2023, 1, 15))}
    submitted = Submission.objects.filter(bloc_year=paper_year)
    assert {s.status for s in submitted} == {Submission.Status.SUBMITTED}
    assert {s.submitted_at for s in submitted} == {_at(dt.date(2024, 1, 8))}
    # The deadlines stayed where they were; no board was reopened.
    paper_year.refresh_from_db()
    assert paper_year.reporting_deadline == dt.date(2024, 1, 10)
    assert not submitted.filter(reopened_until__isnull=False).exists()
    assert AuditEvent.objects.filter(
        action="pledge.sign", changes__stated=True
    ).count() == len(world.own_boards)


def test_a_report_dated_after_its_deadline_is_still_refused(world, paper_year):
    sub = Submission.objects.filter(bloc_year=paper_year).first()
    with pytest.raises(ValidationError, match="10/01/2024"):
        pledges.submission_submit(
            submission=sub,
            actor=world.users["secretariat"],
            expected_version=sub.version,
            submitted_at=_at(dt.date(2024, 1, 11)),
        )
    sub.refresh_from_db()
    assert (sub.status, sub.submitted_at) == (Submission.Status.DRAFT, None)


def test_stated_dates_are_refused_for_a_year_run_in_the_portal(world):
    year = world.own_year
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    pledge = pledges.pledge_open(
        pledge=pledges.pledge_create(bloc_year=year, actor=None), actor=None
    )
    secretariat = world.users["secretariat"]
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="recorded after the fact"),
    ):
        pledges.pledge_sign_recorded(
            pledge=pledge,
            board=world.own_boards[0],
            signed_at=_at(dt.date(2023, 1, 15)),
            actor=secretariat,
        )
    sub = Submission.objects.get(bloc_year=year, board=world.own_boards[2])
    officer = world.users["board_officer"]
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="recorded after the fact"),
    ):
        pledges.submission_submit(
            submission=sub,
            actor=officer,
            expected_version=sub.version,
            submitted_at=_at(dt.date(2023, 6, 1)),
        )
    # Nor does the secretariat fill in a live year's reports for the boards.
    with pytest.raises(PermissionDenied):
        pledges.submission_submit(
            submission=sub, actor=secretariat, expected_version=sub.version
        )
    assert not Signature.objects.exists()
    sub.refresh_from_db()
    assert sub.status == Submission.Status.DRAFT


def test_no_stated_date_in_the_future_nor_by_another_bloc(world, paper_year):
    pledge = Pledge.objects.get(bloc_year=paper_year)
    with pytest.raises(ValidationError):
        pledges.pledge_sign_recorded(
            pledge=pledge,
            board=world.own_boards[0],
            signed_at=timezone.now() + dt.timedelta(days=2),
            actor=world.users["secretariat"],
        )
    for role in ("other_secretariat", "ministry", "board_officer"):
        with pytest.raises(PermissionDenied):
            pledges.pledge_sign_recorded(
                pledge=pledge,
                board=world.own_boards[0],
                signed_at=_at(dt.date(2023, 1, 15)),
                actor=world.users[role],
            )
    assert not Signature.objects.exists()


def test_documents_keep_the_stated_dates_and_say_the_year_was_recorded(
    world, paper_year
):
    _record(world, paper_year)
    publication = report_services.document_publish(
        bloc_year=paper_year, kind="pledge", actor=world.users["secretariat"]
    )
    with publication.file.open("rb") as f:
        pledge_text = _text(f.read())
    assert "Đà Nẵng, ngày 15 tháng 01 năm 2023" in pledge_text
    assert MARK in " ".join(pledge_text.split())
    factories.sections(paper_year)
    summary = _text(documents.render("summary", paper_year, draft=True))
    assert "Đà Nẵng, ngày 20 tháng 01 năm 2024" in summary
    assert MARK in " ".join(summary.split())


def test_a_year_run_in_the_portal_is_not_marked(world):
    pledges.pledge_create(
        bloc_year=world.own_year, actor=None, signing_date=dt.date(2023, 1, 15)
    )
    text = _text(documents.render("pledge", world.own_year, draft=True))
    assert MARK not in " ".join(text.split())


def test_a_recorded_document_without_its_paper_date_is_not_published(world, paper_year):
    Pledge.objects.filter(bloc_year=paper_year).update(signing_date=None)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="the date the document bore"),
    ):
        report_services.document_publish(
            bloc_year=paper_year, kind="pledge", actor=world.users["secretariat"]
        )
    assert not paper_year.publications.exists()


@pytest.mark.parametrize(
    ("role", "listing", "can_edit"),
    [
        ("secretariat", 200, True),
        ("ministry", 200, False),
        ("other_secretariat", 200, False),
    ],
)
def test_admin_shows_and_edits_the_flag_per_role(
    world, paper_year, client_for, role, listing, can_edit
):
    client = client_for(world.users[role])
    url = reverse("admin:blocs_blocyear_changelist") + "?recorded_after_fact__exact=1"
    page = client.get(url)
    assert page.status_code == listing
    assert (str(paper_year) in page.text) == (role != "other_secretariat")
    change = client.get(reverse("admin:blocs_blocyear_change", args=[paper_year.pk]))
    assert ('name="recorded_after_fact"' in change.text) == can_edit


def test_pages_mark_the_year(world, paper_year, client_for):
    client = client_for(world.users["board_officer"])
    marked = 'data-testid="recorded-after-fact"'
    page = client.get(reverse("reports:year_documents", args=[paper_year.pk]))
    assert marked in page.text
    pledge = Pledge.objects.get(bloc_year=paper_year)
    assert marked in client.get(reverse("pledges:pledge", args=[pledge.pk])).text
    BlocYear.objects.filter(pk=paper_year.pk).update(recorded_after_fact=False)
    page = client.get(reverse("reports:year_documents", args=[paper_year.pk]))
    assert marked not in page.text


def _paper_url(year, kind):
    return reverse("admin:pledges_reportingyear_paper", args=[year.pk, kind])


def test_admin_records_signatures_and_reports_from_paper(world, paper_year, client_for):
    client = client_for(world.users["secretariat"])
    boards = [str(b.pk) for b in world.own_boards]
    page = client.get(_paper_url(paper_year, "signatures"))
    assert page.status_code == 200
    assert all(b.name in page.text for b in world.own_boards)
    client.post(
        _paper_url(paper_year, "signatures"), {"day": "15/01/2023", "boards": boards}
    )
    assert set(
        Signature.objects.filter(pledge__bloc_year=paper_year).values_list(
            "signed_at", flat=True
        )
    ) == {_at(dt.date(2023, 1, 15))}
    # A date past the reporting deadline is refused board by board, with why.
    response = client.post(
        _paper_url(paper_year, "reports"),
        {"day": "11/01/2024", "boards": boards},
        follow=True,
    )
    assert "10/01/2024" in response.text
    reports = Submission.objects.filter(bloc_year=paper_year)
    assert set(reports.values_list("status", flat=True)) == {"draft"}
    client.post(
        _paper_url(paper_year, "reports"), {"day": "08/01/2024", "boards": boards}
    )
    assert set(reports.values_list("submitted_at", flat=True)) == {
        _at(dt.date(2024, 1, 8))
    }


def test_admin_paper_pages_per_role(world, paper_year, client_for):
    expected = {"ministry": 403, "other_secretariat": 404, "board_officer": 302}
    for role, status in expected.items():
        client = client_for(world.users[role])
        assert client.get(_paper_url(paper_year, "reports")).status_code == status
        client.post(
            _paper_url(paper_year, "reports"),
            {"day": "08/01/2024", "boards": [world.own_boards[0].pk]},
        )
    assert not Submission.objects.filter(
        bloc_year=paper_year, status="submitted"
    ).exists()


def test_admin_paper_pages_refuse_a_year_run_in_the_portal(world, client_for):
    pledges.submissions_prepare(bloc_year=world.own_year, actor=None)
    client = client_for(world.users["secretariat"])
    response = client.post(
        _paper_url(world.own_year, "reports"),
        {"day": "08/01/2024", "boards": [world.own_boards[0].pk]},
    )
    assert response.status_code == 302
    assert not Submission.objects.filter(status="submitted").exists()


def _paper_round(year):
    scoring.scale_freeze(
        scale=scoring.scale_create(bloc_year=year, actor=None), actor=None
    )
    return scoring.round_create(bloc_year=year, kind="flag", actor=None, on_paper=True)


def test_a_paper_vote_keeps_the_hours_of_the_conference(world, paper_year):
    secretariat = world.users["secretariat"]
    voting_round = _paper_round(paper_year)
    opened, closed = _at(dt.date(2024, 1, 20), 9), _at(dt.date(2024, 1, 20), 10)
    scoring.round_open(voting_round=voting_round, actor=secretariat, opened_at=opened)
    scoring.round_paper_tally(
        voting_round=voting_round,
        actor=secretariat,
        issued=3,
        valid=3,
        invalid=0,
        votes={world.own_boards[0].pk: 3},
    )
    with pytest.raises(ValidationError):  # before it opened
        scoring.round_close(
            voting_round=voting_round,
            actor=secretariat,
            closed_at=_at(dt.date(2024, 1, 19)),
        )
    scoring.round_close(voting_round=voting_round, actor=secretariat, closed_at=closed)
    voting_round.refresh_from_db()
    assert (voting_round.opened_at, voting_round.closed_at) == (opened, closed)


def _round_action(client, voting_round, action, **data):
    return client.post(
        reverse("admin:scoring_votinground_changelist"),
        {"action": action, "_selected_action": [voting_round.pk], **data},
    )


def test_the_admin_asks_a_paper_years_round_for_the_times_of_its_minutes(
    world, paper_year, client_for
):
    """Stop 10 and 11 left it open: the admin opened and closed a recorded
    year's round at the clock's time (a 2024 vote recorded as held today)."""
    voting_round = _paper_round(paper_year)
    client = client_for(world.users["secretariat"])
    asked = _round_action(client, voting_round, "open_round")
    assert asked.status_code == 200
    assert 'name="at"' in asked.text
    voting_round.refresh_from_db()
    assert voting_round.status == "draft"  # nothing before the time is given
    # A time in the future is refused with the service's message; nothing changes.
    future = timezone.localtime() + dt.timedelta(days=2)
    refused = _round_action(
        client,
        voting_round,
        "open_round",
        apply="1",
        at=future.strftime("%d/%m/%Y %H:%M"),
    )
    assert refused.status_code == 302
    voting_round.refresh_from_db()
    assert (voting_round.status, voting_round.opened_at) == ("draft", None)
    _round_action(client, voting_round, "open_round", apply="1", at="20/01/2024 09:00")
    voting_round.refresh_from_db()
    assert voting_round.status == "open"
    assert voting_round.opened_at == _at(dt.date(2024, 1, 20), 9)
    scoring.round_paper_tally(
        voting_round=voting_round,
        actor=world.users["secretariat"],
        issued=3,
        valid=3,
        invalid=0,
        votes={world.own_boards[0].pk: 3},
    )
    # Closing asks for the time too, and the page is its confirmation.
    asked = _round_action(client, voting_round, "close_round")
    assert 'name="at"' in asked.text
    _round_action(client, voting_round, "close_round", apply="1", at="20/01/2024 10:30")
    voting_round.refresh_from_db()
    assert voting_round.status == "closed"
    assert voting_round.closed_at == timezone.make_aware(
        dt.datetime.combine(dt.date(2024, 1, 20), dt.time(10, 30))
    )


def test_the_admin_opens_a_live_years_round_at_the_clocks_time(world, client_for):
    voting_round = _paper_round(world.own_year)
    before = timezone.now()
    client = client_for(world.users["secretariat"])
    response = _round_action(client, voting_round, "open_round")
    assert response.status_code == 302  # no time asked
    voting_round.refresh_from_db()
    assert voting_round.status == "open"
    assert voting_round.opened_at >= before


def test_a_live_years_vote_takes_the_clocks_time(world):
    voting_round = _paper_round(world.own_year)
    with pytest.raises(ValidationError):
        scoring.round_open(
            voting_round=voting_round,
            actor=world.users["secretariat"],
            opened_at=_at(dt.date(2023, 6, 1)),
        )
    voting_round.refresh_from_db()
    assert (voting_round.status, voting_round.opened_at) == ("draft", None)
