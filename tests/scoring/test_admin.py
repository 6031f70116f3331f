"""The secretariat's scoring admin: scales, the assessment matrix, scores and
voting rounds, per role, with fixed queries and no ballot shown to anyone."""

import re
from decimal import Decimal as D

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from blocs.models import AuditEvent
from pledges import services as pledges
from pledges.models import Submission
from scoring import defaults, services
from scoring.models import (
    Assessment,
    BallotCast,
    Candidate,
    Criterion,
    Score,
    ScoringScale,
    VotingRound,
)
from tests import factories

SCALES = "admin:scoring_scoringscale_changelist"
SCORES = "admin:scoring_score_changelist"
ROUNDS = "admin:scoring_votinground_changelist"
STAFF = ["other_secretariat", "secretariat", "ministry", "superuser"]


def vi(msgid: str) -> str:
    """A message as a Vietnamese user reads it (the msgid until translated)."""
    with translation.override("vi"):
        return gettext(msgid)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _url(name, *args):
    return reverse(f"admin:scoring_{name}", args=args)


def _action(client, changelist, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(reverse(changelist), data)


def _form_data(response) -> dict:
    """POST data for an admin change page: its form and inlines as shown
    (figures as the page writes them, 55,00 in Vietnamese, as a browser
    sends them back)."""
    data = {}

    def put(form):
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if field.disabled:
                continue
            if field.localize and value is not None:
                value = field.widget.format_value(value)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        put(inline.formset.management_form)
        for form in inline.formset.forms:
            put(form)
    return data


def _scale(year, *, frozen=False) -> ScoringScale:
    scale = services.scale_create(bloc_year=year, actor=None)
    if frozen:
        scale = services.scale_freeze(scale=scale, actor=None)
    return scale


def _criterion(scale, code) -> Criterion:
    return Criterion.objects.get(scale=scale, code=code)


@pytest.fixture
def scales(world):
    """A draft scale for each bloc's year."""
    return world, _scale(world.own_year), _scale(world.other_year)


@pytest.fixture
def frozen(world):
    """A frozen scale (and so every member's score) for each bloc's year."""
    return (
        world,
        _scale(world.own_year, frozen=True),
        _scale(world.other_year, frozen=True),
    )


def _round(year, kind="head", *, opened=False, **settings) -> VotingRound:
    voting_round = services.round_create(
        bloc_year=year, kind=kind, actor=None, **settings
    )
    if opened:
        voting_round = factories.round_open(voting_round=voting_round, actor=None)
    return voting_round


def _vote(voting_round, board, choices) -> str:
    officer = factories.user(role="board_officer", board=board)
    return services.ballot_cast(
        voting_round=voting_round, actor=officer, choices=[b.pk for b in choices]
    )


# Scales: who sees what -------------------------------------------------------------


@pytest.mark.parametrize("role", [*STAFF, "board_officer"])
def test_changelists_show_each_role_its_scope(frozen, client_for, role):
    world, own, other = frozen
    own_round, other_round = _round(world.own_year), _round(world.other_year)
    client = client_for(world.users[role])
    expected = {
        "secretariat": {world.own_year.pk},
        "other_secretariat": {world.other_year.pk},
        "ministry": {world.own_year.pk, world.other_year.pk},
        "superuser": {world.own_year.pk, world.other_year.pk},
    }.get(role)
    for name, objects in (
        (SCALES, [own, other]),
        (SCORES, None),
        (ROUNDS, [own_round, other_round]),
    ):
        response = client.get(reverse(name))
        if expected is None:  # a board officer is no admin user
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
            continue
        assert response.status_code == 200
        years = {o.bloc_year_id for o in response.context["cl"].result_list}
        assert years == expected, name
        if objects:
            assert len(response.context["cl"].result_list) == len(expected)


def test_other_secretariat_cannot_reach_another_blocs_objects(frozen, client_for):
    world, own, _other = frozen
    voting_round = _round(world.own_year)
    score = Score.objects.filter(bloc_year=world.own_year).first()
    client = client_for(world.users["other_secretariat"])
    assert client.get(_url("scoringscale_change", own.pk)).status_code == 302
    assert client.get(_url("scoringscale_assess", own.pk)).status_code == 404
    assert client.get(_url("score_change", score.pk)).status_code == 302
    assert client.get(_url("votinground_change", voting_round.pk)).status_code == 302
    board, c1 = world.own_boards[0], _criterion(own, "C1")
    response = client.post(
        _url("scoringscale_assess", own.pk), {f"points_{board.pk}_{c1.pk}": "5"}
    )
    assert response.status_code == 404
    _action(client, ROUNDS, "open_round", [voting_round])
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.DRAFT
    assert not Assessment.objects.exists()


def test_other_secretariat_cannot_freeze_another_blocs_scale(scales, client_for):
    world, own, _other = scales
    _action(client_for(world.users["other_secretariat"]), SCALES, "freeze", [own])
    own.refresh_from_db()
    assert own.status == ScoringScale.Status.DRAFT


def test_ministry_reads_but_every_change_is_refused(frozen, client_for):
    world, own, _other = frozen
    draft_year = factories.bloc_year(bloc=world.own, year=2024)
    draft = _scale(draft_year)
    voting_round = _round(world.own_year)
    client = client_for(world.users["ministry"])
    page = client.get(_url("scoringscale_change", own.pk))
    assert page.status_code == 200
    assert "criteria-0-max_points" not in page.text
    matrix = client.get(_url("scoringscale_assess", own.pk))
    assert matrix.status_code == 200
    assert 'name="points_' not in matrix.text
    board, c1 = world.own_boards[0], _criterion(own, "C1")
    refused = client.post(
        _url("scoringscale_assess", own.pk), {f"points_{board.pk}_{c1.pk}": "5"}
    )
    assert refused.status_code == 403
    assert client.post(_url("scoringscale_change", draft.pk), {}).status_code == 403
    assert client.get(_url("scoringscale_create")).status_code == 403
    assert client.get(_url("votinground_create")).status_code == 403
    _action(client, SCALES, "freeze", [draft])
    _action(client, ROUNDS, "open_round", [voting_round])
    draft.refresh_from_db()
    voting_round.refresh_from_db()
    assert draft.status == ScoringScale.Status.DRAFT
    assert voting_round.status == VotingRound.Status.DRAFT
    assert not Assessment.objects.exists()


# Scales: creating, editing, freezing ---------------------------------------------


def test_secretariat_creates_its_years_scale_from_the_default(world, client_for):
    client = client_for(world.users["secretariat"])
    listing = client.get(reverse(SCALES))
    assert _url("scoringscale_create") in listing.text
    page = client.get(_url("scoringscale_create"))
    years = list(page.context["form"].fields["bloc_year"].queryset)
    assert years == [world.own_year]
    refused = client.post(
        _url("scoringscale_create"), {"bloc_year": world.other_year.pk}
    )
    assert refused.status_code == 200
    assert not ScoringScale.objects.exists()
    response = client.post(
        _url("scoringscale_create"), {"bloc_year": world.own_year.pk}
    )
    scale = ScoringScale.objects.get(bloc_year=world.own_year)
    assert response["Location"] == _url("scoringscale_change", scale.pk)
    assert scale.criteria.count() == len(defaults.CRITERIA)
    again = client.get(_url("scoringscale_create"))
    assert list(again.context["form"].fields["bloc_year"].queryset) == []


def test_create_page_copies_last_years_scale_with_its_tree(scales, client_for):
    world, last, _other = scales
    client = client_for(world.users["secretariat"])
    data = _form_data(client.get(_url("scoringscale_change", last.pk)))
    c1 = _criterion(last, "C1")
    prefix = next(
        k for k, v in data.items() if v == str(c1.pk) and k.endswith("-id")
    ).removesuffix("-id")
    data[f"{prefix}-max_points"] = "9"
    assert client.post(_url("scoringscale_change", last.pk), data).status_code == 302
    year = factories.bloc_year(bloc=world.own, year=2024)
    client.post(_url("scoringscale_create"), {"bloc_year": year.pk})
    scale = ScoringScale.objects.get(bloc_year=year)
    tree = {
        c.code: (c.parent.code if c.parent else None, c.max_points)
        for c in scale.criteria.select_related("parent")
    }
    assert tree == {
        c.code: (c.parent.code if c.parent else None, c.max_points)
        for c in last.criteria.select_related("parent")
    }
    assert tree["C1"] == ("C", D(9))


def test_add_form_is_not_offered(world, client_for):
    client = client_for(world.users["superuser"])
    assert client.get(_url("scoringscale_add")).status_code == 403


def test_criteria_edited_while_draft_then_read_only_once_frozen(scales, client_for):
    world, own, _other = scales
    client = client_for(world.users["secretariat"])
    page = client.get(_url("scoringscale_change", own.pk))
    data = _form_data(page)
    c1 = _criterion(own, "C1")
    field = next(k for k, v in data.items() if v == str(c1.pk) and k.endswith("-id"))
    prefix = field.removesuffix("-id")
    data[f"{prefix}-max_points"] = "9"
    response = client.post(_url("scoringscale_change", own.pk), data)
    assert response.status_code == 302
    c1.refresh_from_db()
    assert c1.max_points == D(9)
    event = AuditEvent.objects.get(action="scale.criteria", object_id=str(own.pk))
    assert event.actor == world.users["secretariat"]
    assert "max_points" in event.changes["changed"][str(c1)]

    frozen = _action(client, SCALES, "freeze", [own])
    assert frozen.status_code == 302
    own.refresh_from_db()
    assert own.status == ScoringScale.Status.FROZEN
    assert Score.objects.filter(bloc_year=world.own_year).count() == 3

    data[f"{prefix}-max_points"] = "6"
    for role in ("secretariat", "superuser"):
        client = client_for(world.users[role])
        refused = client.post(_url("scoringscale_change", own.pk), data)
        assert refused.status_code == 403
        shown = client.get(_url("scoringscale_change", own.pk))
        assert f'name="{prefix}-max_points"' not in shown.text
    c1.refresh_from_db()
    assert c1.max_points == D(9)


def test_a_group_with_criteria_under_it_cannot_be_deleted(scales, client_for):
    world, own, _other = scales
    client = client_for(world.users["secretariat"])
    data = _form_data(client.get(_url("scoringscale_change", own.pk)))
    group = _criterion(own, "C")
    field = next(k for k, v in data.items() if v == str(group.pk) and k.endswith("-id"))
    data[field.replace("-id", "-DELETE")] = "on"
    response = client.post(_url("scoringscale_change", own.pk), data)
    assert response.status_code == 200
    assert Criterion.objects.filter(scale=own, code__in=["C", "C1", "C2"]).count() == 3


def test_freezing_an_empty_scale_is_refused_with_the_services_message(
    world, client_for
):
    scale = _scale(world.own_year)
    scale.criteria.exclude(kind=Criterion.Kind.GROUP).delete()
    response = _action(
        client_for(world.users["secretariat"]), SCALES, "freeze", [scale]
    )
    assert vi("A scale needs at least one scored criterion.") in _messages(response)
    scale.refresh_from_db()
    assert scale.status == ScoringScale.Status.DRAFT


def test_recompute_refuses_a_draft_scale_and_recomputes_a_frozen_one(
    frozen, client_for
):
    world, own, _other = frozen
    draft = _scale(factories.bloc_year(bloc=world.own, year=2024))
    before = Score.objects.get(bloc_year=world.own_year, board=world.own_boards[0])
    response = _action(
        client_for(world.users["secretariat"]), SCALES, "recompute", [own, draft]
    )
    texts = _messages(response)
    assert any(str(draft) in t for t in texts)
    after = Score.objects.get(bloc_year=world.own_year, board=world.own_boards[0])
    assert after.computed_at > before.computed_at
    assert not Score.objects.filter(bloc_year=draft.bloc_year).exists()


# The assessment matrix ----------------------------------------------------------


def _matrix_data(page, **cells) -> dict:
    """The matrix as shown, with cells changed: points_<board>_<criterion>."""
    form = page.context["form"]
    data = {
        name: "" if form[name].value() is None else str(form[name].value())
        for name in form.fields
    }
    data.update(cells)
    return data


def test_matrix_lists_members_and_hand_given_criteria(frozen, client_for):
    world, own, _other = frozen
    page = client_for(world.users["secretariat"]).get(
        _url("scoringscale_assess", own.pk)
    )
    assert page.status_code == 200
    hand_given = [
        code
        for code, _name, kind, _max, _parent, indicator in defaults.CRITERIA
        if kind in ("assessed", "bonus", "penalty")
        or (kind == "yes_no" and not indicator)
    ]
    assert "C1" in hand_given
    assert [c.code for c in page.context["criteria"]] == hand_given
    members = world.own_year.memberships.values_list("board_id", flat=True)
    assert [b.pk for b, _cells in page.context["rows"]] == list(members)
    assert 'name="points_' in page.text


def test_matrix_saves_the_blocs_points_and_recomputes(frozen, client_for):
    world, own, _other = frozen
    board, c1 = world.own_boards[0], _criterion(own, "C1")
    client = client_for(world.users["secretariat"])
    page = client.get(_url("scoringscale_assess", own.pk))
    key = f"{board.pk}_{c1.pk}"
    data = _matrix_data(
        page, **{f"points_{key}": "7,5", f"comment_{key}": "Phong trào tốt"}
    )
    response = client.post(_url("scoringscale_assess", own.pk), data)
    assert response.status_code == 302
    given = Assessment.objects.get(board=board, criterion=c1)
    assert (given.source, given.points, given.comment) == (
        Assessment.Source.BLOC,
        D("7.5"),
        "Phong trào tốt",
    )
    line = next(
        ln
        for ln in Score.objects.get(bloc_year=world.own_year, board=board).lines
        if ln["code"] == "C1"
    )
    assert (line["points"], line["rule"]) == ("7.50", "assessed_bloc")
    shown = client.get(_url("scoringscale_assess", own.pk))
    assert shown.context["form"][f"points_{key}"].value() == D("7.5")


def test_matrix_refuses_points_over_the_maximum_and_saves_nothing(frozen, client_for):
    world, own, _other = frozen
    board, c1, c2 = world.own_boards[0], _criterion(own, "C1"), _criterion(own, "C2")
    client = client_for(world.users["secretariat"])
    page = client.get(_url("scoringscale_assess", own.pk))
    data = _matrix_data(
        page,
        **{f"points_{board.pk}_{c2.pk}": "5", f"points_{board.pk}_{c1.pk}": "11"},
    )
    response = client.post(_url("scoringscale_assess", own.pk), data)
    assert response.status_code == 200
    # The service words the refusal (and formats the maximum, 8).
    refusal = vi("Give between 0 and %(max)s points.").split("%(max)s")[0]
    texts = _messages(response)
    assert any(refusal in t and "C1" in t and board.short_name in t for t in texts)
    assert vi("Nothing was saved: correct the marked cells and save again.") in texts
    assert not Assessment.objects.exists()
    cell = next(
        c
        for b, cells in response.context["rows"]
        if b == board
        for c in cells
        if c.criterion == c1
    )
    assert any(refusal in e for e in cell.errors)


def test_matrix_shows_the_boards_self_assessment(frozen, client_for):
    world, own, _other = frozen
    officer = world.users["board_officer"]
    c2 = _criterion(own, "C2")
    services.assessment_set(
        criterion=c2,
        board_id=officer.board_id,
        source=Assessment.Source.SELF,
        points=D(6),
        comment="Tự chấm",
        actor=officer,
    )
    page = client_for(world.users["ministry"]).get(_url("scoringscale_assess", own.pk))
    cell = next(
        c
        for b, cells in page.context["rows"]
        if b.pk == officer.board_id
        for c in cells
        if c.criterion == c2
    )
    assert cell.own.points == D(6)
    assert "Tự chấm" in page.text


def test_matrix_refuses_a_cell_changed_by_someone_else_meanwhile(frozen, client_for):
    world, own, _other = frozen
    board, c1 = world.own_boards[1], _criterion(own, "C1")
    client = client_for(world.users["secretariat"])
    page = client.get(_url("scoringscale_assess", own.pk))
    services.assessment_set(
        criterion=c1,
        board_id=board.pk,
        source=Assessment.Source.BLOC,
        points=D(3),
        comment="",
        actor=world.users["superuser"],
    )
    data = _matrix_data(page, **{f"points_{board.pk}_{c1.pk}": "8"})
    response = client.post(_url("scoringscale_assess", own.pk), data)
    assert response.status_code == 200
    assert Assessment.objects.get(board=board, criterion=c1).points == D(3)


def test_matrix_is_closed_while_the_scale_is_a_draft(scales, client_for):
    world, own, _other = scales
    client = client_for(world.users["secretariat"])
    page = client.get(_url("scoringscale_assess", own.pk))
    assert page.status_code == 200
    assert 'name="points_' not in page.text
    assert vi("Assessment opens when the scale is frozen.") in page.text
    assert client.post(_url("scoringscale_assess", own.pk), {}).status_code == 403


# Scores ----------------------------------------------------------------------------


def test_score_page_explains_each_line_and_cannot_be_changed(frozen, client_for):
    world, _own, _other = frozen
    score = Score.objects.filter(bloc_year=world.own_year).first()
    client = client_for(world.users["secretariat"])
    page = client.get(_url("score_change", score.pk))
    assert page.status_code == 200
    assert "score-lines" in page.text
    assert "Thực hiện các chỉ tiêu kế hoạch" in page.text  # group A's name
    assert vi("No approved figure") in page.text
    assert client.post(_url("score_change", score.pk), {}).status_code == 403
    assert client.get(_url("score_add")).status_code == 403
    assert client.get(_url("score_delete", score.pk)).status_code == 403


def test_scores_are_listed_by_year_then_rank(frozen, client_for):
    world, _own, _other = frozen
    page = client_for(world.users["superuser"]).get(reverse(SCORES))
    rows = [(s.bloc_year_id, s.rank) for s in page.context["cl"].result_list]
    assert len(rows) == 6
    by_year = {}
    for year, rank in rows:
        by_year.setdefault(year, []).append(rank)
    assert all(ranks == sorted(ranks) for ranks in by_year.values())


# Voting rounds ----------------------------------------------------------------------


def test_open_then_close_and_count_from_the_changelist(frozen, client_for):
    world, _own, _other = frozen
    boards = world.own_boards
    voting_round = _round(world.own_year, quota=1, max_choices=1)
    client = client_for(world.users["secretariat"])
    _action(client, ROUNDS, "open_round", [voting_round])
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.OPEN
    for board in boards:
        _vote(voting_round, board, [boards[1]])
    response = _action(client, ROUNDS, "close_round", [voting_round], confirmed="yes")
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.CLOSED
    assert Candidate.objects.get(round=voting_round, elected=True).board == boards[1]
    assert any(boards[1].short_name in t for t in _messages(response))
    page = client.get(_url("votinground_change", voting_round.pk))
    assert vi("Decided: the chosen boards are marked.") in page.text
    assert client.post(_url("votinground_change", voting_round.pk), {}).status_code == (
        403
    )


def test_closing_twice_is_refused_with_the_services_message(frozen, client_for):
    world, _own, _other = frozen
    voting_round = _round(world.own_year, opened=True)
    client = client_for(world.users["secretariat"])
    _action(client, ROUNDS, "close_round", [voting_round], confirmed="yes")
    again = _action(client, ROUNDS, "close_round", [voting_round], confirmed="yes")
    assert vi("Only an open round can be closed.") in _messages(again)


def test_paper_tally_with_impossible_numbers_is_refused(frozen, client_for):
    world, _own, _other = frozen
    voting_round = _round(world.own_year, on_paper=True, opened=True)
    votes = {f"votes_{b.pk}": "1" for b in world.own_boards}
    client = client_for(world.users["secretariat"])
    form = _action(client, ROUNDS, "paper_tally", [voting_round])
    assert form.status_code == 200
    assert f'name="votes_{world.own_boards[0].pk}"' in form.text
    response = _action(
        client,
        ROUNDS,
        "paper_tally",
        [voting_round],
        apply="1",
        issued="3",
        valid="2",
        invalid="2",
        **votes,
    )
    assert response.status_code == 200
    assert vi("Valid and invalid ballots exceed those issued.") in _messages(response)
    voting_round.refresh_from_db()
    assert voting_round.paper_issued is None
    assert not Candidate.objects.filter(paper_votes__isnull=False).exists()


def test_paper_tally_then_close_elects_the_most_voted(frozen, client_for):
    world, _own, _other = frozen
    boards = world.own_boards
    voting_round = _round(world.own_year, on_paper=True, opened=True)
    client = client_for(world.users["secretariat"])
    votes = {f"votes_{b.pk}": "0" for b in boards} | {f"votes_{boards[2].pk}": "3"}
    response = _action(
        client,
        ROUNDS,
        "paper_tally",
        [voting_round],
        apply="1",
        issued="3",
        valid="3",
        invalid="0",
        **votes,
    )
    assert response.status_code == 302
    voting_round.refresh_from_db()
    assert (voting_round.paper_issued, voting_round.paper_valid) == (3, 3)
    _action(client, ROUNDS, "close_round", [voting_round], confirmed="yes")
    assert Candidate.objects.get(round=voting_round, elected=True).board == boards[2]


def test_paper_tally_is_refused_for_an_electronic_round(frozen, client_for):
    world, _own, _other = frozen
    voting_round = _round(world.own_year, opened=True)
    response = _action(
        client_for(world.users["secretariat"]), ROUNDS, "paper_tally", [voting_round]
    )
    assert response.status_code == 302
    assert vi("Tallies are entered for an open paper round only.") in _messages(
        response
    )


def test_who_has_voted_shows_boards_never_receipts(frozen, client_for):
    world, _own, _other = frozen
    boards = world.own_boards
    voting_round = _round(world.own_year, opened=True)
    receipts = [_vote(voting_round, b, [boards[0]]) for b in boards[:2]]
    for role in ("secretariat", "ministry"):
        client = client_for(world.users[role])
        page = client.get(_url("votinground_change", voting_round.pk))
        assert page.status_code == 200
        assert vi("Who has voted") in page.text
        shown = {
            f.instance.board_id
            for inline in page.context["inline_admin_formsets"]
            if inline.formset.model is BallotCast
            for f in inline.formset.forms
        }
        assert shown == {boards[0].pk, boards[1].pk}
        assert not any(r in page.text for r in receipts)
    services.round_close(voting_round=voting_round, actor=None)
    client = client_for(world.users["superuser"])
    page = client.get(_url("votinground_change", voting_round.pk))
    assert not any(r in page.text for r in receipts)
    assert client.get("/admin/scoring/ballot/").status_code == 404


def test_add_form_refuses_a_candidate_from_outside_the_bloc(world, client_for):
    client = client_for(world.users["secretariat"])
    page = client.get(_url("votinground_add"))
    choices = page.context["adminform"].form.fields["bloc_year"].queryset
    assert list(choices) == [world.own_year]
    data = {
        "bloc_year": world.own_year.pk,
        "kind": VotingRound.Kind.HEAD,
        "title": "",
        "max_choices": "1",
        "quota": "1",
        "quorum_percent": "50",
        "quorum_base": "members",
        "threshold_percent": "50",
        "self_vote_allowed": "on",
        "tie_break": "score",
        "candidates-TOTAL_FORMS": "1",
        "candidates-INITIAL_FORMS": "0",
        "candidates-MIN_NUM_FORMS": "0",
        "candidates-MAX_NUM_FORMS": "1000",
        "candidates-0-board": str(world.other_boards[0].pk),
    }
    refused = client.post(_url("votinground_add"), data)
    assert refused.status_code == 200
    assert not VotingRound.objects.exists()

    # The choices are boards of the secretariat's years; membership of the
    # chosen year is checked on top.
    outsider = factories.board()
    factories.bloc_year(bloc=world.own, year=2024, members=[outsider])
    data["candidates-0-board"] = str(outsider.pk)
    refused = client.post(_url("votinground_add"), data)
    assert refused.status_code == 200
    assert outsider.short_name in refused.text
    assert not VotingRound.objects.exists()

    data["candidates-0-board"] = str(world.own_boards[1].pk)
    created = client.post(_url("votinground_add"), data)
    assert created.status_code == 302
    voting_round = VotingRound.objects.get()
    assert voting_round.title == vi("Election of next year's head")
    assert [c.board for c in voting_round.candidates.all()] == [world.own_boards[1]]


def test_add_form_without_candidates_lists_every_member(world, client_for):
    client = client_for(world.users["secretariat"])
    data = {
        "bloc_year": world.own_year.pk,
        "kind": VotingRound.Kind.DEPUTY,
        "title": "Bầu Phó Trưởng khối",
        "max_choices": "1",
        "quota": "1",
        "quorum_percent": "50",
        "quorum_base": "members",
        "threshold_percent": "50",
        "tie_break": "score",
        "candidates-TOTAL_FORMS": "0",
        "candidates-INITIAL_FORMS": "0",
        "candidates-MIN_NUM_FORMS": "0",
        "candidates-MAX_NUM_FORMS": "1000",
    }
    response = client.post(_url("votinground_add"), data)
    assert response.status_code == 302
    voting_round = VotingRound.objects.get()
    assert voting_round.title == "Bầu Phó Trưởng khối"
    assert voting_round.self_vote_allowed is False
    assert {c.board_id for c in voting_round.candidates.all()} == {
        b.pk for b in world.own_boards
    }


def test_create_page_takes_the_boards_registered_for_the_award(frozen, client_for):
    world, _own, _other = frozen
    year = world.own_year
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    board = world.own_boards[0]
    officer = factories.user(role="board_officer", board=board)
    sub = Submission.objects.get(bloc_year=year, board=board)
    pledges.submission_save(
        submission=sub,
        actor=officer,
        expected_version=sub.version,
        entries={},
        award_target=Submission.Award.FLAG,
    )
    client = client_for(world.users["secretariat"])
    refused = client.post(
        _url("votinground_create"),
        {"bloc_year": year.pk, "kind": "head", "candidates": "eligible"},
    )
    assert refused.status_code == 200
    assert not VotingRound.objects.exists()
    response = client.post(
        _url("votinground_create"),
        {"bloc_year": year.pk, "kind": "flag", "candidates": "eligible"},
    )
    voting_round = VotingRound.objects.get()
    assert response["Location"] == _url("votinground_change", voting_round.pk)
    assert [c.board for c in voting_round.candidates.all()] == [board]


def test_draft_rounds_candidates_are_chosen_among_its_members(world, client_for):
    voting_round = _round(world.own_year)
    client = client_for(world.users["secretariat"])
    page = client.get(_url("votinground_change", voting_round.pk))
    data = _form_data(page)
    formset = next(
        i.formset
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is Candidate
    )
    offered = {v for v, _label in formset.forms[0].fields["board"].choices if v}
    assert {int(str(v)) for v in offered} == {b.pk for b in world.own_boards}
    struck = next(
        f for f in formset.forms if f.instance.board_id == world.own_boards[2].pk
    )
    data[f"{struck.prefix}-DELETE"] = "on"
    response = client.post(_url("votinground_change", voting_round.pk), data)
    assert response.status_code == 302
    assert {c.board_id for c in voting_round.candidates.all()} == {
        b.pk for b in world.own_boards[:2]
    }
    factories.round_open(voting_round=voting_round, actor=None)
    shown = client.get(_url("votinground_change", voting_round.pk))
    assert 'name="candidates-0-board"' not in shown.text


def test_open_round_keeps_its_rules_but_takes_the_boards_present(frozen, client_for):
    world, _own, _other = frozen
    voting_round = _round(world.own_year, opened=True, quorum_base="present")
    client = client_for(world.users["secretariat"])
    data = _form_data(client.get(_url("votinground_change", voting_round.pk)))
    data.update({"present": "3", "quota": "2"})
    response = client.post(_url("votinground_change", voting_round.pk), data)
    assert response.status_code == 302
    voting_round.refresh_from_db()
    assert (voting_round.present, voting_round.quota) == (3, 1)


# Fixed queries ----------------------------------------------------------------------


def _bloc_of(n: int):
    """A bloc-year of n members with its secretariat and a frozen scale whose
    hand-given criteria are assessed for every board, by itself and the bloc."""
    bloc = factories.bloc()
    boards = [factories.board() for _ in range(n)]
    year = factories.bloc_year(bloc=bloc, members=boards, head=boards[0])
    secretariat = factories.user(role="secretariat", bloc=bloc)
    scale = _scale(year, frozen=True)
    c1 = _criterion(scale, "C1")
    for board in boards:
        officer = factories.user(role="board_officer", board=board)
        for source, actor in (("self", officer), ("bloc", secretariat)):
            services.assessment_set(
                criterion=c1,
                board_id=board.pk,
                source=source,
                points=D(4),
                comment="",
                actor=actor,
            )
    return year, boards, secretariat, scale


@pytest.mark.parametrize("n", [7, 15])
def test_scale_change_page_runs_fixed_queries(
    db, client_for, django_assert_max_num_queries, n
):
    year, _boards, secretariat, _frozen = _bloc_of(n)
    draft = _scale(factories.bloc_year(bloc=year.bloc, year=2024))
    client = client_for(secretariat)
    with django_assert_max_num_queries(9):
        response = client.get(_url("scoringscale_change", draft.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [7, 15])
def test_assessment_matrix_runs_fixed_queries(
    db, client_for, django_assert_max_num_queries, n
):
    _year, _boards, secretariat, scale = _bloc_of(n)
    client = client_for(secretariat)
    with django_assert_max_num_queries(8):
        response = client.get(_url("scoringscale_assess", scale.pk))
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [7, 15])
def test_rounds_changelist_runs_fixed_queries(
    db, client_for, django_assert_max_num_queries, n
):
    year, boards, secretariat, _scale = _bloc_of(n)
    voting = _round(year, opened=True)
    for board in boards:
        _vote(voting, board, [boards[0]])
    _round(year, "deputy")
    client = client_for(secretariat)
    with django_assert_max_num_queries(9):
        response = client.get(reverse(ROUNDS))
    assert len(response.context["cl"].result_list) == 2


def test_matrix_saves_many_cells_and_recomputes_once(db, client_for):
    """Each further cell costs its own few writes, not a recomputation of every
    score: 12 changed cells cost at most 12 queries more each than 3 (a
    recomputation per cell would cost about 21 each)."""
    _year, boards, secretariat, scale = _bloc_of(15)
    c1 = _criterion(scale, "C1")
    client = client_for(secretariat)

    def post(cells: int, points: str) -> int:
        page = client.get(_url("scoringscale_assess", scale.pk))
        changed = {f"points_{b.pk}_{c1.pk}": points for b in boards[:cells]}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                _url("scoringscale_assess", scale.pk), _matrix_data(page, **changed)
            )
        assert response.status_code == 302
        return len(queries)

    few, many = post(3, "5"), post(12, "6")
    assert many - few <= 9 * 12
    assert (
        Assessment.objects.filter(criterion=c1, source="bloc", points=6).count() == 12
    )
    totals = dict(
        Score.objects.filter(board__in=boards[:12]).values_list("board", "total")
    )
    assert len(totals) == 12
    assert all(t >= 6 for t in totals.values())


# Candidates from registrations (issue 11) -------------------------------------


def _register(year, board, award):
    sub = Submission.objects.get(bloc_year=year, board=board)
    officer = factories.user(role="board_officer", board=board)
    pledges.submission_save(
        submission=sub,
        actor=officer,
        expected_version=sub.version,
        entries={},
        award_target=award,
    )


@pytest.fixture
def registered(world):
    """own_boards[0] registered for the flag, [1] for the merit, [2] for none."""
    pledges.indicators_copy(bloc_year=world.own_year, actor=None)
    _register(world.own_year, world.own_boards[0], Submission.Award.FLAG)
    _register(world.own_year, world.own_boards[1], Submission.Award.MERIT)
    return world


def test_registered_candidates_follow_the_award_registered_for(registered):
    year, boards = registered.own_year, registered.own_boards
    assert services.registered_candidates(bloc_year=year, kind="flag") == [boards[0].pk]
    assert services.registered_candidates(bloc_year=year, kind="merit") == sorted(
        [boards[0].pk, boards[1].pk]
    )
    assert services.registered_candidates(bloc_year=year, kind="head") == sorted(
        b.pk for b in boards
    )


def test_create_page_prefills_the_boards_registered_for_the_award(
    registered, client_for
):
    """Issue 11: every round pre-filled all members as candidates."""
    world = registered
    client = client_for(world.users["secretariat"])
    page = client.get(_url("votinground_create"))
    assert page.context["form"]["candidates"].value() == "registered"
    response = client.post(
        _url("votinground_create"),
        {"bloc_year": world.own_year.pk, "kind": "flag", "candidates": "registered"},
    )
    voting_round = VotingRound.objects.get()
    assert response["Location"] == _url("votinground_change", voting_round.pk)
    assert [c.board for c in voting_round.candidates.all()] == [world.own_boards[0]]
    # Still editable: the draft round's page offers every member.
    page = client.get(_url("votinground_change", voting_round.pk))
    formset = next(
        i.formset
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is Candidate
    )
    offered = {v for v, _label in formset.empty_form.fields["board"].choices if v}
    assert {int(str(v)) for v in offered} == {b.pk for b in world.own_boards}


def test_create_page_refuses_registered_candidates_when_nobody_registered(
    world, client_for
):
    pledges.indicators_copy(bloc_year=world.own_year, actor=None)
    client = client_for(world.users["secretariat"])
    response = client.post(
        _url("votinground_create"),
        {"bloc_year": world.own_year.pk, "kind": "flag", "candidates": "registered"},
    )
    assert response.status_code == 200
    assert (
        vi(
            "No member has registered for this award yet: choose every member board, "
            "or wait for the registrations."
        )
        in response.text
    )
    assert not VotingRound.objects.exists()


def test_admin_add_without_rows_takes_the_registered_boards(registered, client_for):
    world = registered
    client = client_for(world.users["secretariat"])
    page = client.get(_url("votinground_add"))
    data = _form_data(page)
    data |= {"bloc_year": str(world.own_year.pk), "kind": "merit", "title": ""}
    response = client.post(_url("votinground_add"), data)
    assert response.status_code == 302, response.context["errors"]
    voting_round = VotingRound.objects.get()
    assert {c.board_id for c in voting_round.candidates.all()} == {
        world.own_boards[0].pk,
        world.own_boards[1].pk,
    }


# Counts of a closed round (issue 11) ------------------------------------------


def _shown_counts(page) -> dict[str, str]:
    return {
        name: re.search(
            rf'field-{name}.*?<div class="readonly">(.*?)</div>', page.text, re.S
        )[1].strip()
        for name in ("ballots_issued", "ballots_valid", "ballots_invalid")
    }


def test_closed_online_round_shows_the_ballot_counts_of_the_minutes(frozen, client_for):
    """Issued/valid/invalid showed "—" for a closed round held online."""
    world, _own, _other = frozen
    boards = world.own_boards
    voting_round = _round(world.own_year, "flag", opened=True, max_choices=1)
    _vote(voting_round, boards[0], [boards[1]])
    _vote(voting_round, boards[1], [boards[1]])
    services.round_close(voting_round=voting_round, actor=None)
    counts = services.round_ballot_counts(voting_round)
    assert counts == {"issued": 3, "returned": 2, "valid": 2, "invalid": 0}
    page = client_for(world.users["secretariat"]).get(
        _url("votinground_change", voting_round.pk)
    )
    assert _shown_counts(page) == {
        "ballots_issued": "3",
        "ballots_valid": "2",
        "ballots_invalid": "0",
    }


def test_closed_paper_round_shows_its_tallies(frozen, client_for):
    world, _own, _other = frozen
    boards = world.own_boards
    voting_round = _round(world.own_year, on_paper=True, opened=True)
    services.round_paper_tally(
        voting_round=voting_round,
        actor=None,
        issued=3,
        valid=2,
        invalid=1,
        votes={b.pk: (2 if b == boards[0] else 0) for b in boards},
    )
    services.round_close(voting_round=voting_round, actor=None)
    page = client_for(world.users["secretariat"]).get(
        _url("votinground_change", voting_round.pk)
    )
    assert _shown_counts(page) == {
        "ballots_issued": "3",
        "ballots_valid": "2",
        "ballots_invalid": "1",
    }
    voting_round.refresh_from_db()
    assert services.round_ballot_counts(voting_round)["returned"] == 3


def test_closing_a_round_asks_to_confirm_first(frozen, client_for):
    """Issue 11: closing a round was one click with no confirmation."""
    world, _own, _other = frozen
    voting_round = _round(world.own_year, opened=True)
    client = client_for(world.users["secretariat"])
    page = _action(client, ROUNDS, "close_round", [voting_round])
    assert page.status_code == 200
    assert "Đóng đợt bỏ phiếu sẽ kết thúc" in page.text
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.OPEN
    _action(client, ROUNDS, "close_round", [voting_round], confirmed="yes")
    voting_round.refresh_from_db()
    assert voting_round.status == VotingRound.Status.CLOSED


# Workflow out of the admin: the services the admin and the views share -------


def test_assessment_matrix_save_saves_all_or_refuses_every_bad_cell(frozen):
    world, own, _other = frozen
    secretariat = world.users["secretariat"]
    b0, b1 = world.own_boards[:2]
    c1 = _criterion(own, "C1")
    good = services.MatrixCell(b0, c1, D("7.5"), "Tốt", seen="")
    no_points = services.MatrixCell(b1, c1, None, "Chỉ có nhận xét", seen="")
    with pytest.raises(services.AssessmentMatrixRefused) as refused:
        services.assessment_matrix_save(
            scale=own, cells=[good, no_points], actor=secretariat
        )
    assert [cell for cell, _texts in refused.value.cells] == [no_points]
    assert not Assessment.objects.exists()  # the good cell was not kept either
    assert (
        services.assessment_matrix_save(scale=own, cells=[good], actor=secretariat) == 1
    )
    stored = Assessment.objects.get(board=b0, criterion=c1)
    assert stored.points == D("7.5")
    # Unchanged: nothing saved; a stale stamp: refused.
    assert (
        services.assessment_matrix_save(scale=own, cells=[good], actor=secretariat) == 0
    )
    stale = services.MatrixCell(b0, c1, D("8"), "Tốt", seen="")
    with pytest.raises(services.AssessmentMatrixRefused):
        services.assessment_matrix_save(scale=own, cells=[stale], actor=secretariat)
    fresh = services.MatrixCell(
        b0, c1, D("8"), "Tốt", seen=services.assessment_stamp(stored)
    )
    assert (
        services.assessment_matrix_save(scale=own, cells=[fresh], actor=secretariat)
        == 1
    )
    with pytest.raises(PermissionDenied):
        services.assessment_matrix_save(
            scale=own, cells=[fresh], actor=world.users["other_secretariat"]
        )


def test_ballot_refusal_names_why_a_board_cannot_vote(frozen):
    world, _own, _other = frozen
    board = world.own_boards[0]
    draft = _round(world.own_year, "flag", max_choices=1)
    assert services.ballot_refusal(voting_round=draft, board_id=board.pk) == gettext(
        "This round is not open for voting."
    )
    voting_round = services.round_open(voting_round=draft, actor=None)
    assert services.ballot_refusal(voting_round=voting_round, board_id=board.pk) is None
    _vote(voting_round, board, [world.own_boards[1]])
    assert services.ballot_refusal(
        voting_round=voting_round, board_id=board.pk
    ) == gettext("Your board has already voted in this round.")


def test_round_outcome_text_words_every_outcome_of_the_tally():
    for code in VotingRound.Outcome.values:
        text = services.round_outcome_text(code)
        assert text
        assert text != code
    assert services.round_outcome_text("") == ""
    with translation.override("vi"):
        assert services.round_outcome_text("no_quorum") == vi(
            "Quorum not reached: no board is chosen."
        )
