"""Deadline and voting reminders: due ones only, to boards that have not
acted, each sent once however often the command runs."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from blocs import services as bloc_services
from blocs.hooks import reminder_window
from blocs.notifications.models import Notice, ReminderSent
from pledges import notices
from scoring import services as scoring_services
from scoring.models import VotingRound
from tests import factories
from tests.notifications.helpers import officer, submitted
from tests.pledges.conftest import submission_of


def _send() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def _deadline(world, days: int, field: str = "reporting_deadline"):
    year = world.own_year
    bloc_services.bloc_year_upsert(
        bloc=year.bloc,
        year=year.year,
        **{field: timezone.localdate() + dt.timedelta(days=days)},
    )


@pytest.mark.parametrize(
    ("days", "window"), [(-1, None), (0, 1), (1, 1), (2, 3), (3, 3), (7, 7), (8, None)]
)
def test_reminder_windows(days, window):
    assert reminder_window(days) == window


def test_send_reminders_reminds_boards_that_have_not_submitted_once(reporting):
    world = reporting
    late = [officer(b, email=f"{b.pk}@example.vn") for b in world.own_boards]
    officer(world.other_boards[0], username="other-bloc")
    submitted(world, world.own_boards[0], late[0])  # this board has acted
    _deadline(world, 3)
    assert _send().strip() == "2 lời nhắc đã gửi."
    told = set(
        Notice.objects.filter(kind=notices.REPORT_DUE).values_list("user", flat=True)
    )
    assert told == {late[1].pk, late[2].pk, world.users["board_officer"].pk}
    assert _send().strip() == "0 lời nhắc đã gửi."
    assert Notice.objects.filter(kind=notices.REPORT_DUE).count() == 3
    # The next window (1 day left) reminds again, once.
    with pytest.MonkeyPatch.context() as mp:
        tomorrow = timezone.now() + dt.timedelta(days=2)
        mp.setattr(timezone, "now", lambda: tomorrow)
        assert _send().strip() == "2 lời nhắc đã gửi."
        assert _send().strip() == "0 lời nhắc đã gửi."


def test_no_reminder_outside_the_window_or_for_a_closed_year(reporting):
    world = reporting
    officer(world.own_boards[1])
    _deadline(world, 10)
    assert _send().strip() == "0 lời nhắc đã gửi."
    assert not ReminderSent.objects.exists()


def test_targets_reminder_goes_to_boards_that_have_not_registered(reporting):
    world = reporting
    officers = [officer(b) for b in world.own_boards]
    _deadline(world, 7, "registration_deadline")
    assert _send().strip() == "3 lời nhắc đã gửi."
    assert Notice.objects.filter(kind=notices.TARGETS_DUE).count() == 4  # 3 + world's
    own = submission_of(world, world.own_boards[0])
    assert Notice.objects.get(user=officers[0]).link == reverse(
        "pledges:submission", args=[own.pk]
    )


def test_round_closing_reminds_boards_that_have_not_voted(reporting):
    world = reporting
    officers = [officer(b) for b in world.own_boards]
    voting_round = scoring_services.round_create(
        bloc_year=world.own_year,
        kind=VotingRound.Kind.FLAG,
        actor=None,
        closes_at=timezone.now() + dt.timedelta(hours=20),
    )
    factories.round_open(voting_round=voting_round, actor=None)
    scoring_services.ballot_cast(
        voting_round=voting_round,
        actor=officers[0],
        choices=[world.own_boards[1].pk],
    )
    _send()
    told = set(
        Notice.objects.filter(kind="round_closing").values_list("user", flat=True)
    )
    assert told == {officers[1].pk, officers[2].pk, world.users["board_officer"].pk}
    assert _send().strip() == "0 lời nhắc đã gửi."


def test_secretariat_reminds_on_demand_and_is_told_how_many(reporting, client_for):
    world = reporting
    for b in world.own_boards:
        officer(b)
    submitted(world, world.own_boards[0], officer(world.own_boards[0]))
    _deadline(world, 20)
    url = reverse("admin:pledges_reportingyear_changelist")
    data = {"action": "remind_late", "_selected_action": [world.own_year.pk]}
    page = client_for(world.users["secretariat"]).post(url, data, follow=True)
    assert "đã nhắc 2 Ban chưa thực hiện (3 người)" in page.text
    assert Notice.objects.filter(kind=notices.REPORT_DUE).count() == 3
    # Another bloc's secretariat and the ministry cannot.
    for role in ("other_secretariat", "ministry"):
        client_for(world.users[role]).post(url, data, follow=True)
    assert Notice.objects.filter(kind=notices.REPORT_DUE).count() == 3
    # On demand means again: a second click reminds again.
    client_for(world.users["secretariat"]).post(url, data)
    assert Notice.objects.filter(kind=notices.REPORT_DUE).count() == 6


def test_secretariat_reminds_boards_that_have_not_voted(reporting, client_for):
    world = reporting
    officers = [officer(b) for b in world.own_boards]
    voting_round = scoring_services.round_create(
        bloc_year=world.own_year, kind=VotingRound.Kind.FLAG, actor=None
    )
    factories.round_open(voting_round=voting_round, actor=None)
    scoring_services.ballot_cast(
        voting_round=voting_round, actor=officers[0], choices=[world.own_boards[1].pk]
    )
    url = reverse("admin:scoring_votinground_changelist")
    data = {"action": "remind_not_voted", "_selected_action": [voting_round.pk]}
    for role in ("other_secretariat", "ministry"):
        client_for(world.users[role]).post(url, data, follow=True)
    assert not Notice.objects.filter(kind="round_closing").exists()
    page = client_for(world.users["secretariat"]).post(url, data, follow=True)
    assert "đã nhắc 2 Ban chưa bỏ phiếu (3 người)" in page.text
    told = set(
        Notice.objects.filter(kind="round_closing").values_list("user", flat=True)
    )
    assert officers[0].pk not in told
    assert len(told) == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_alone_can_run_the_reminders_periodically(reporting):
    from django_tasks_db.models import DBTaskResult

    from tests.smtp import run_worker

    world = reporting
    officer(world.own_boards[1])
    _deadline(world, 2)
    call_command("send_reminders", "--every", "60", stdout=StringIO())
    run_worker()
    assert Notice.objects.filter(kind=notices.REPORT_DUE).count() == 2
    waiting = DBTaskResult.objects.get(
        status="READY", task_path__endswith="reminders_send"
    )
    assert waiting.run_after > timezone.now() + dt.timedelta(minutes=59)
