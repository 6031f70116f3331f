"""The year cockpit: who sees it, what it counts, its one button, and the
stage moves it guards (issue 11, "Year cockpit"; acceptance 3 and 6)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from blocs import services
from blocs.models import AuditEvent, BlocYear, Official
from pledges import services as pledges
from pledges.models import Indicator, Pledge, Submission
from reports import services as reports
from reports.models import Publication
from scoring import services as scoring
from scoring.models import VotingRound
from tests import factories

S = BlocYear.Status


def _cockpit(pk):
    return reverse("admin:blocs_blocyear_cockpit", args=[pk])


def _next(pk):
    return reverse("admin:blocs_blocyear_next", args=[pk])


def _officers(boards):
    return {b.pk: factories.user(role="board_officer", board=b) for b in boards}


def _set_up(bloc_year, actor):
    """The set-up stage's work, through the services."""
    pledges.indicators_copy(bloc_year=bloc_year, actor=actor)
    pledges.submissions_prepare(bloc_year=bloc_year, actor=actor)
    return pledges.pledge_create(bloc_year=bloc_year, actor=actor)


def _row(html: str, label: str) -> str:
    """The cockpit's table row whose label is ``label``."""
    start = html.index(label)
    return html[start : html.index("</tr>", start)]


# Who may see it -----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("board_officer", 302),  # not admin staff: sent to the admin login
        ("other_secretariat", 404),
        ("secretariat", 200),
        ("ministry", 200),
        ("superuser", 200),
    ],
)
def test_cockpit_per_role(world, client_for, role, status):
    client = client_for(world.users[role])
    response = client.get(_cockpit(world.own_year.pk))
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]


def test_ministry_reads_the_cockpit_without_its_button(world, client_for):
    client = client_for(world.users["ministry"])
    html = client.get(_cockpit(world.own_year.pk)).content.decode()
    assert "Copy the indicator catalogue" in html or "Sao chép" in html
    assert _next(world.own_year.pk) not in html
    assert client.get(_next(world.own_year.pk)).status_code == 403
    assert (
        client.post(_next(world.own_year.pk), {"key": "indicators_copy"}).status_code
        == 403
    )
    assert not Indicator.objects.filter(bloc_year=world.own_year).exists()


def test_other_secretariat_cannot_press_the_button(world, client_for):
    client = client_for(world.users["other_secretariat"])
    response = client.post(_next(world.own_year.pk), {"key": "indicators_copy"})
    assert response.status_code == 404
    assert not Indicator.objects.filter(bloc_year=world.own_year).exists()


def test_secretariat_lands_on_its_cockpits(world, client_for):
    client = client_for(world.users["secretariat"])
    html = client.get(reverse("admin:index")).content.decode()
    assert _cockpit(world.own_year.pk) in html
    assert _cockpit(world.other_year.pk) not in html
    change = client.get(
        reverse("admin:blocs_blocyear_change", args=[world.own_year.pk])
    ).content.decode()
    assert _cockpit(world.own_year.pk) in change


# What it counts ------------------------------------------------------------


def test_cockpit_counts_signatures_registrations_and_reports(
    world, client_for, settings
):
    settings.LANGUAGE_CODE = "en"
    actor = world.users["secretariat"]
    year = world.own_year
    pledge = _set_up(year, actor)
    year = services.bloc_year_advance(bloc_year=year, actor=actor)
    pledges.pledge_open(pledge=pledge, actor=actor)
    officers = _officers(world.own_boards[:2])
    for officer in officers.values():
        pledges.pledge_sign(pledge=pledge, actor=officer)
    client = client_for(actor)
    html = client.get(_cockpit(year.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2/3" in _row(html, "Pledge signed")
    assert "0/3" in _row(html, "Targets registered")
    assert "3/3" in _row(html, "Reports opened")
    assert "3" in _row(html, "Member boards")
    assert "1/1" in _row(html, "Head of the bloc")
    # What the pledge stage still misses, before anyone tries to move on.
    assert "2 of 3 boards have signed the pledge." in html
    assert "0 of 3 boards have registered their targets." in html


def test_cockpit_counts_named_signers_and_links_to_the_officials(
    db, client_for, settings
):
    """Every document signs with the member boards' heads and refuses to
    publish without them: the cockpit counts them and leads to where they
    are named (found running a year from the cockpit alone, issue 11)."""
    settings.LANGUAGE_CODE = "en"
    boards = [factories.board(), factories.board(), factories.board(head=None)]
    year = factories.bloc_year(members=boards, head=boards[0], deputy=boards[1])
    client = client_for(factories.user(role="secretariat", bloc=year.bloc))
    html = client.get(_cockpit(year.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = _row(html, "Signers named")
    assert "2/3" in row
    assert reverse("admin:blocs_official_changelist") in html[: html.index(row)][-300:]

    factories.official(board=boards[2], full_name="Lò Văn Ký")
    html = client.get(_cockpit(year.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3/3" in _row(html, "Signers named")


# The one button ------------------------------------------------------------


def test_next_action_asks_first_then_does_exactly_what_it_says(world, client_for):
    client = client_for(world.users["secretariat"])
    year = world.own_year
    html = client.get(_cockpit(year.pk)).content.decode()
    assert _next(year.pk) in html
    confirm = client.get(_next(year.pk))
    assert confirm.status_code == 200
    assert confirm.context["action"].key == "indicators_copy"
    # Looking at the confirmation changes nothing.
    assert not Indicator.objects.filter(bloc_year=year).exists()
    response = client.post(_next(year.pk), {"key": "indicators_copy"})
    assert response.status_code == 302
    assert Indicator.objects.filter(bloc_year=year).exists()
    # The members' reports open with the catalogue (as the button says), and
    # nothing else: no pledge drafted, the stage unchanged.
    members = year.memberships.count()
    assert Submission.objects.filter(bloc_year=year).count() == members
    assert not Pledge.objects.filter(bloc_year=year).exists()
    year.refresh_from_db()
    assert year.status == S.SETUP
    copied = AuditEvent.objects.get(action="indicators.copy")
    assert copied.actor == world.users["secretariat"]
    # The button now offers the next set-up step.
    assert client.get(_next(year.pk)).context["action"].key == "pledge_create"


def test_a_step_that_cannot_be_done_says_why_before_it_is_confirmed(world, client_for):
    """Stop 11: on a closed year the button offered to publish a document
    that lacked its signers, and said so only after it was pressed, as an
    error, leaving the same button in place."""
    actor = world.users["secretariat"]
    year = world.own_year
    _set_up(year, actor)
    for _ in range(6):  # to the pledge, reporting, ..., voting and closed
        year = services.bloc_year_advance(
            bloc_year=year, actor=actor, override_reason="t"
        )
    assert year.status == S.CLOSED
    # One member board's head is not named: the pledge cannot be signed.
    board = year.memberships.order_by("pk").first().board
    Official.objects.filter(board=board).delete()
    client = client_for(actor)
    confirm = client.get(_next(year.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert confirm.context["action"].key == "publish:pledge"
    blocked = confirm.context["blocked"]
    assert blocked == reports.publish_missing(year, "pledge") != []
    assert any(board.name in line or board.short_name in line for line in blocked)
    html = confirm.content.decode()
    assert 'data-testid="blocked"' in html
    for line in blocked:
        assert str(escape(line)) in html
    assert "Yes, do it" not in html  # nothing to confirm
    # Pressed anyway (an old page): refused, nothing published.
    client.post(_next(year.pk), {"key": "publish:pledge"})
    assert not Publication.objects.filter(bloc_year=year).exists()


def test_a_stale_confirmation_does_nothing(world, client_for):
    client = client_for(world.users["secretariat"])
    year = world.own_year
    pledges.indicators_copy(bloc_year=year, actor=world.users["secretariat"])
    before = Indicator.objects.filter(bloc_year=year).count()
    reports = Submission.objects.filter(bloc_year=year).count()
    response = client.post(_next(year.pk), {"key": "indicators_copy"}, follow=True)
    assert Indicator.objects.filter(bloc_year=year).count() == before
    assert Submission.objects.filter(bloc_year=year).count() == reports
    with translation.override("vi"):
        told = translation.gettext(
            "The next step has changed meanwhile; nothing was done."
        )
    assert told in [str(m) for m in response.context["messages"]]


def test_button_moves_the_stage_when_nothing_is_missing(world, client_for):
    actor = world.users["secretariat"]
    year = world.own_year
    _set_up(year, actor)
    client = client_for(actor)
    confirm = client.get(_next(year.pk))
    assert confirm.context["action"].key == "advance"
    assert "override_reason" not in confirm.context["form"].fields
    client.post(_next(year.pk), {"key": "advance"})
    year.refresh_from_db()
    assert year.status == S.PLEDGE
    event = AuditEvent.objects.get(action="bloc_year.advance", object_id=str(year.pk))
    assert event.changes == {"status": ["setup", "pledge"]}


# Moving a stage: refused with the list, or overridden with a reason --------


def test_stage_move_refused_with_what_is_missing(world):
    year = factories.bloc_year(members=[factories.board()], year=2024)
    with pytest.raises(ValidationError) as refused:
        services.bloc_year_advance(bloc_year=year, actor=world.users["superuser"])
    messages = refused.value.messages
    assert any("Deputy" in m or "Phó" in m for m in messages)
    assert any("indicator catalogue" in m or "danh mục" in m for m in messages)
    assert any("pledge" in m.lower() or "giao ước" in m.lower() for m in messages)
    year.refresh_from_db()
    assert year.status == S.SETUP
    assert not AuditEvent.objects.filter(
        action__startswith="bloc_year.advance", object_id=str(year.pk)
    ).exists()


def test_admin_action_refuses_with_the_list(world, client_for):
    client = client_for(world.users["secretariat"])
    year = world.own_year
    response = client.post(
        reverse("admin:blocs_blocyear_changelist"),
        {"action": "advance_stage", "_selected_action": [year.pk]},
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert "0 of 3" in text or "0/3" in text or "0 trên 3" in text or "0 của 3" in text
    year.refresh_from_db()
    assert year.status == S.SETUP


def test_cockpit_refuses_a_move_without_reason_and_audits_an_override(
    world, client_for
):
    client = client_for(world.users["secretariat"])
    year = world.own_year
    # Nothing is set up: no step of the apps offered at all once the catalogue,
    # reports and pledge exist, so take them away from the button's path by
    # going straight to the stage move of a year past set-up.
    _set_up(year, world.users["secretariat"])
    services.bloc_year_advance(bloc_year=year, actor=world.users["secretariat"])
    pledges.pledge_open(
        pledge=Pledge.objects.get(bloc_year=year), actor=world.users["secretariat"]
    )
    confirm = client.get(_next(year.pk))
    assert confirm.context["action"].key == "advance"
    assert confirm.context["missing"]
    response = client.post(_next(year.pk), {"key": "advance", "override_reason": " "})
    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors["override_reason"]
    year.refresh_from_db()
    assert year.status == S.PLEDGE
    client.post(
        _next(year.pk),
        {"key": "advance", "override_reason": "Signed on paper at the conference."},
    )
    year.refresh_from_db()
    assert year.status == S.REPORTING
    event = AuditEvent.objects.get(
        action="bloc_year.advance_override", object_id=str(year.pk)
    )
    assert event.actor == world.users["secretariat"]
    assert event.changes["override_reason"] == "Signed on paper at the conference."
    assert event.changes["status"] == ["pledge", "reporting"]
    assert len(event.changes["missing"]) == 2  # signatures and registrations


# Stages follow the work ------------------------------------------------------


def test_closing_the_year_closes_the_pledge_signing(world):
    actor = world.users["secretariat"]
    year = world.own_year
    pledge = _set_up(year, actor)
    services.bloc_year_advance(bloc_year=year, actor=actor)
    pledges.pledge_open(pledge=pledge, actor=actor)
    for _ in range(4):  # to reporting, review, scoring and voting
        year = services.bloc_year_advance(
            bloc_year=year, actor=actor, override_reason="test"
        )
    assert year.status == S.VOTING
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.OPEN
    year = services.bloc_year_advance(bloc_year=year, actor=actor, override_reason="t")
    assert year.status == S.CLOSED
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CLOSED
    assert AuditEvent.objects.filter(action="pledge.closed").exists()


def test_a_round_cannot_open_before_scores_exist(world):
    actor = world.users["secretariat"]
    year = factories.bloc_year(
        bloc=world.own,
        year=2025,
        members=world.own_boards,
        status=S.VOTING,
    )
    voting_round = scoring.round_create(
        bloc_year=year, kind=VotingRound.Kind.FLAG, actor=actor, title="Cờ thi đua"
    )
    with pytest.raises(ValidationError) as refused:
        scoring.round_open(voting_round=voting_round, actor=actor)
    assert "scores" in refused.value.messages[0] or "điểm" in refused.value.messages[0]
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.DRAFT
    # Once the scale is frozen (which computes the scores), it opens.
    scale = scoring.scale_create(bloc_year=year, actor=actor)
    scoring.scale_freeze(scale=scale, actor=actor)
    scoring.round_open(voting_round=voting_round, actor=actor)
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.OPEN


def test_documents_publish_only_from_their_stage(world):
    actor = world.users["secretariat"]
    year = factories.bloc_year(
        bloc=world.own, year=2025, members=world.own_boards, status=S.REPORTING
    )
    factories.sections(year)
    with pytest.raises(ValidationError) as refused:
        reports.document_publish(
            bloc_year=year, kind=Publication.Kind.SUMMARY, actor=actor
        )
    text = refused.value.messages[0]
    assert str(S.VOTING.label) in text
    assert str(S.REPORTING.label) in text
    assert not Publication.objects.filter(bloc_year=year).exists()


# A fixed number of queries -----------------------------------------------------


def _year_with_boards(count: int, year: int) -> BlocYear:
    bloc = factories.bloc()
    boards = [factories.board() for _ in range(count)]
    bloc_year = factories.bloc_year(
        bloc=bloc, year=year, members=boards, head=boards[0], deputy=boards[1]
    )
    secretariat = factories.user(role="secretariat", bloc=bloc)
    pledge = _set_up(bloc_year, secretariat)
    bloc_year = services.bloc_year_advance(bloc_year=bloc_year, actor=secretariat)
    pledges.pledge_open(pledge=pledge, actor=secretariat)
    for officer in _officers(boards[:3]).values():
        pledges.pledge_sign(pledge=pledge, actor=officer)
    return bloc_year, secretariat


def test_cockpit_queries_do_not_grow_with_boards(db, client_for):
    counted = []
    for count, year in ((7, 2024), (15, 2025)):
        bloc_year, secretariat = _year_with_boards(count, year)
        client = client_for(secretariat)
        client.get(_cockpit(bloc_year.pk))  # session and caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_cockpit(bloc_year.pk))
        assert response.status_code == 200
        assert f"3/{count}" in response.content.decode()
        counted.append(len(queries))
    assert counted[0] == counted[1]


def test_cockpit_query_bound(db, client_for, django_assert_max_num_queries):
    bloc_year, secretariat = _year_with_boards(15, 2025)
    client = client_for(secretariat)
    with django_assert_max_num_queries(40):
        assert client.get(_cockpit(bloc_year.pk)).status_code == 200
