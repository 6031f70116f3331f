"""Each event reaches the right people and only them, and recording notices
costs a fixed number of queries however many people are told."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blocs.notifications import services
from blocs.notifications.models import Delivery, Notice, Subscription
from pledges import notices
from pledges import services as pledge_services
from pledges.models import Pledge
from scoring import services as scoring_services
from scoring.models import VotingRound
from tests import factories
from tests.notifications.helpers import officer, submitted


def _told(kind):
    return set(
        Notice.objects.filter(kind=kind).values_list("user__username", flat=True)
    )


@pytest.fixture
def people(reporting):
    world = reporting
    own0 = officer(world.own_boards[0], username="own0", email="own0@example.vn")
    officer(world.own_boards[1], username="own1", email="own1@example.vn")
    officer(world.other_boards[0], username="other0", email="other0@example.vn")
    factories.user(username="nobody", email="nobody@example.vn")
    return world, own0


def test_a_returned_report_tells_that_boards_officers_only(
    people, django_capture_on_commit_callbacks
):
    world, own0 = people
    second = officer(world.own_boards[0], username="own0b")
    sub = submitted(world, world.own_boards[0], own0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pledge_services.submission_return(
            submission=sub,
            actor=world.users["secretariat"],
            reason="Sai đơn vị tính",
            indicator_ids=[],
        )
    assert _told(notices.REPORT_RETURNED) == {"own0", second.username}
    # The ministry, the secretariat, other boards and users in no scope
    # never see the reason.
    assert not Notice.objects.filter(context__reason="Sai đơn vị tính").exclude(
        user__board=world.own_boards[0]
    )
    # One delivery for the officer with an address; one task for the batch.
    assert list(Delivery.objects.values_list("address", flat=True)) == [
        "own0@example.vn"
    ]
    assert len(callbacks) == 1


def test_approve_and_reopen_tell_the_board(people):
    world, own0 = people
    sub = submitted(world, world.own_boards[0], own0)
    secretariat = world.users["secretariat"]
    sub = pledge_services.submission_approve(submission=sub, actor=secretariat)
    pledge_services.submission_reopen(
        submission=sub,
        actor=secretariat,
        until=timezone.localdate() + dt.timedelta(days=3),
        reason="Bổ sung",
    )
    assert _told(notices.REPORT_APPROVED) == {"own0"}
    assert _told(notices.REPORT_REOPENED) == {"own0"}


def test_signing_and_rounds_tell_the_members_officers(people):
    world, _own0 = people
    pledge = Pledge.objects.get(bloc_year=world.own_year)
    pledge_services.pledge_open(pledge=pledge, actor=world.users["secretariat"])
    members = {"own0", "own1", world.users["board_officer"].username}
    assert _told(notices.SIGNING_OPENED) == members
    voting_round = scoring_services.round_create(
        bloc_year=world.own_year, kind=VotingRound.Kind.FLAG, actor=None
    )
    factories.round_open(voting_round=voting_round, actor=None)
    assert _told("round_opened") == members
    scoring_services.round_close(voting_round=voting_round, actor=None)
    assert _told("results_published") == members


def test_published_documents_tell_subscribed_ministry_users_only(people):
    from reports import notices as report_notices

    world, _own0 = people
    ministry = world.users["ministry"]
    services.subscriptions_set(user=ministry, blocs=[world.own])
    other_ministry = factories.user(role="ministry_viewer", username="min2")
    services.subscriptions_set(user=other_ministry, blocs=[world.other])

    class Publication:  # what document_published reads of a publication
        bloc_year = world.own_year
        version = 1

        def get_kind_display(self):
            return "Báo cáo tổng kết"

    report_notices.document_published(Publication())
    assert _told(report_notices.DOCUMENT_PUBLISHED) == {ministry.username}
    assert Subscription.objects.count() == 2


def test_only_ministry_users_may_subscribe(people):
    from django.core.exceptions import PermissionDenied

    world, own0 = people
    with pytest.raises(PermissionDenied):
        services.subscriptions_set(user=own0, blocs=[world.own])


def test_users_who_turned_off_optional_mail_still_get_essential_mail(people):
    world, own0 = people
    services.preference_set(user=own0, email_optional=False, language="vi")
    sub = submitted(world, world.own_boards[0], own0)
    sub = pledge_services.submission_approve(
        submission=sub, actor=world.users["secretariat"]
    )  # not essential: notice only
    assert not Delivery.objects.exists()
    assert _told(notices.REPORT_APPROVED) == {"own0"}
    pledge_services.submission_reopen(
        submission=sub,
        actor=world.users["secretariat"],
        until=timezone.localdate(),
        reason="Bổ sung",
    )  # essential: mailed
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize("count", [1, 40])
def test_recording_notices_costs_the_same_queries_for_1_or_40_people(db, count):
    boards = [factories.board() for _ in range(count)]
    users = [
        factories.user(role="board_officer", board=b, email=f"u{i}@example.vn")
        for i, b in enumerate(boards)
    ]
    with CaptureQueriesContext(connection) as queries:
        told = services.notify(
            users=users,
            kind=notices.REPORT_APPROVED,
            context={"board": "B", "year": "2026"},
        )
    assert told == count
    # savepoint, preferences, notices, deliveries, release: the task row is
    # added at commit (one more query, whatever the count).
    assert len(queries) <= 5


def _approve_queries(world, client, board, officers: int) -> int:
    for n in range(officers):
        officer(board, email=f"{board.pk}.{n}@example.vn")
    sub = submitted(world, board, officer(board))
    client.force_login(world.users["secretariat"])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("admin:pledges_submission_changelist"),
            {"action": "approve", "_selected_action": [sub.pk]},
        )
    assert response.status_code == 302
    return len(queries)


def test_telling_more_officers_adds_no_query_to_the_review_page(people, client):
    world, _own0 = people
    one = _approve_queries(world, client, world.own_boards[1], 1)
    many = _approve_queries(world, client, world.own_boards[2], 8)
    # board 1: own1, one more and the submitter; board 2: the world's, 8, the submitter
    assert Notice.objects.filter(kind=notices.REPORT_APPROVED).count() == 3 + 10
    assert one == many
