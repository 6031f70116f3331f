"""Scoring pages: a score's explanation, a year's ranking, the self-assessment
and the voting page, per role, with Vietnamese numbers and fixed queries."""

from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from blocs import services as blocs
from pledges import services as pledges
from pledges.models import Indicator, Submission
from scoring import services
from scoring.models import Assessment, Ballot, BallotCast, Criterion, Score
from tests import factories

ROLES = [
    "anonymous",
    "board_officer",
    "other_secretariat",
    "secretariat",
    "ministry",
    "superuser",
]
LOGIN = 302


def vi(msgid: str) -> str:
    """A message as a Vietnamese user reads it (the msgid until translated)."""
    with translation.override("vi"):
        return gettext(msgid)


def _ready(year):
    """The year's catalogue, one submission per member, a frozen scale (which
    computes every member's score)."""
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    scale = services.scale_create(bloc_year=year, actor=None)
    return services.scale_freeze(scale=scale, actor=None)


@pytest.fixture
def scored(world):
    for year in (world.own_year, world.other_year):
        _ready(year)
    return world


def _score(year, board) -> Score:
    # Scores are stored afresh on every recompute: fetch, never keep.
    return Score.objects.get(bloc_year=year, board=board)


def _round(year, *, opened=True, **settings):
    settings = {"quota": 2, "max_choices": 2} | settings
    voting_round = services.round_create(
        bloc_year=year, kind="flag", actor=None, **settings
    )
    if opened:
        voting_round = factories.round_open(voting_round=voting_round, actor=None)
    return voting_round


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _expect(role, response, status):
    if role == "anonymous":
        assert response.status_code == LOGIN
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == status


# 1. Who sees which page --------------------------------------------------------


SCORE_ACCESS = {
    "anonymous": LOGIN,
    "board_officer": 200,
    "other_secretariat": 404,
    "secretariat": 200,
    "ministry": 200,
    "superuser": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_score_page_per_role(scored, client_for, role):
    score = _score(scored.own_year, scored.own_boards[2])  # the officer's board
    client = client_for(scored.users[role])
    response = client.get(reverse("scoring:score", args=[score.pk]))
    _expect(role, response, SCORE_ACCESS[role])


def test_officer_gets_404_for_another_boards_score(scored, client_for):
    client = client_for(scored.users["board_officer"])
    neighbour = _score(scored.own_year, scored.own_boards[0])
    other_bloc = _score(scored.other_year, scored.other_boards[0])
    for score in (neighbour, other_bloc):
        assert client.get(reverse("scoring:score", args=[score.pk])).status_code == 404


RANKING_ACCESS = SCORE_ACCESS | {"board_officer": 403}


@pytest.mark.parametrize("role", ROLES)
def test_ranking_page_per_role(scored, client_for, role):
    client = client_for(scored.users[role])
    response = client.get(reverse("scoring:ranking", args=[scored.own_year.pk]))
    _expect(role, response, RANKING_ACCESS[role])


SELF_ACCESS = {role: 403 for role in ROLES} | {
    "anonymous": LOGIN,
    "board_officer": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_self_assessment_page_per_role(scored, client_for, role):
    client = client_for(scored.users[role])
    url = reverse("scoring:self_assessment", args=[scored.own_year.pk])
    _expect(role, client.get(url), SELF_ACCESS[role])
    if role not in ("anonymous", "board_officer"):
        c1 = Criterion.objects.get(scale__bloc_year=scored.own_year, code="C1")
        response = client.post(url, {f"points_{c1.pk}": "1"})
        assert response.status_code == 403
        assert not Assessment.objects.exists()


def test_self_assessment_of_a_year_the_board_is_not_in_answers_404(scored, client_for):
    client = client_for(scored.users["board_officer"])
    url = reverse("scoring:self_assessment", args=[scored.other_year.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


ROUND_ACCESS = SCORE_ACCESS


@pytest.mark.parametrize("role", ROLES)
def test_voting_page_per_role(scored, client_for, role):
    voting_round = _round(scored.own_year)
    client = client_for(scored.users[role])
    response = client.get(reverse("scoring:round", args=[voting_round.pk]))
    _expect(role, response, ROUND_ACCESS[role])
    # Only a member board's officer gets the ballot.
    if response.status_code == 200:
        assert ('name="choices"' in response.text) == (role == "board_officer")


@pytest.mark.parametrize("role", ["secretariat", "ministry", "superuser"])
def test_only_board_officers_may_post_a_ballot(scored, client_for, role):
    voting_round = _round(scored.own_year)
    client = client_for(scored.users[role])
    response = client.post(
        reverse("scoring:round", args=[voting_round.pk]),
        {"choices": [scored.own_boards[0].pk]},
    )
    assert response.status_code == 403
    assert not Ballot.objects.exists()
    assert not BallotCast.objects.exists()


def test_another_blocs_round_answers_404(scored, client_for):
    voting_round = _round(scored.other_year)
    client = client_for(scored.users["board_officer"])
    url = reverse("scoring:round", args=[voting_round.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"choices": [scored.other_boards[0].pk]})
    assert response.status_code == 404
    assert not Ballot.objects.exists()
    assert not BallotCast.objects.exists()


# 2. A score's explanation and the ranking --------------------------------------


def _approve(world, board, **figures):
    """Submit and approve the board's figures: code=(plan, actual)."""
    year = world.own_year
    sub = Submission.objects.get(bloc_year=year, board=board)
    officer = factories.user(role="board_officer", board=board)
    entries = {}
    for code, (plan, actual) in figures.items():
        ind = Indicator.objects.get(bloc_year=year, code=code)
        entries[ind.pk] = pledges.Entry(
            plan=None if plan is None else D(plan), actual=D(actual)
        )
    sub = pledges.submission_submit(
        submission=sub, actor=officer, expected_version=sub.version, entries=entries
    )
    return pledges.submission_approve(submission=sub, actor=world.users["secretariat"])


def test_score_page_explains_each_line_in_words_and_vietnamese_numbers(
    scored, client_for
):
    board = scored.own_boards[2]
    _approve(
        scored,
        board,
        **{
            "new-projects": ("10", "12"),
            "new-projects-fdi": (None, "12"),
            "export": ("100", "90.5"),
            "production-value": (None, "2470.7"),
        },
    )
    client = client_for(scored.users["board_officer"])
    page = client.get(
        reverse("scoring:score", args=[_score(scored.own_year, board).pk])
    )
    assert page.status_code == 200
    text = page.text
    for rule in (
        "plan_met",
        "plan_short",
        "no_figure",
        "no_plan_vs_best",
        "not_done",
        "not_assessed",
        "sum",
    ):
        assert f">{rule}<" not in text  # no raw rule code reaches the user
    assert vi("Plan met: full points, plus any bonus above plan") in text
    assert vi("Short of plan: points lost for each percent short") in text
    assert escape(vi("No plan: points in proportion to the bloc's best figure")) in text
    assert vi("Not assessed yet: no points") in text
    # Export: 90,5% of plan, 9,5 percent short at 0,5 a percent: 10 - 4,75.
    assert "90,5%" in text
    assert "5,25" in text
    assert "2.470,7" in text  # the figure, grouped the Vietnamese way
    rows = {row.code: row for row in page.context["rows"]}
    assert rows["A1"].points == D(10)
    assert rows["A5"].points == D("5.25")
    assert rows["A"].is_group
    assert list(rows) == [ln["code"] for ln in _score(scored.own_year, board).lines]


def test_ranking_lists_boards_by_rank_with_group_points(scored, client_for):
    _approve(
        scored,
        scored.own_boards[1],
        **{"new-projects": ("10", "12"), "new-projects-fdi": (None, "12")},
    )
    client = client_for(scored.users["secretariat"])
    page = client.get(reverse("scoring:ranking", args=[scored.own_year.pk]))
    assert [g.code for g in page.context["groups"]] == ["A", "B", "C", "D"]
    rows = page.context["rows"]
    assert [score.rank for score, _points in rows] == [1, 2, 2]
    first, points = rows[0]
    assert first.board == scored.own_boards[1]
    assert points[0] == D(10)  # group A of the best board
    assert scored.own_boards[1].short_name in page.text


# 3. The self-assessment -------------------------------------------------------------


def _criteria(world) -> dict[str, Criterion]:
    return {
        c.code: c for c in Criterion.objects.filter(scale__bloc_year=world.own_year)
    }


def _self(world) -> list[tuple]:
    return sorted(
        Assessment.objects.filter(source="self").values_list(
            "criterion__code", "points", "comment"
        )
    )


def _post_self(client, world, points, comments=None, stamp=None):
    """Post the self-assessment as the page would: points and comments by
    criterion code, with the stamp of the page as it was loaded."""
    url = reverse("scoring:self_assessment", args=[world.own_year.pk])
    if stamp is None:
        stamp = client.get(url).context["form"]["stamp"].value()
    c = _criteria(world)
    data = {"stamp": stamp}
    data |= {f"points_{c[code].pk}": typed for code, typed in points.items()}
    data |= {f"comment_{c[code].pk}": text for code, text in (comments or {}).items()}
    return client.post(url, data)


def test_self_assessment_lists_the_criteria_given_by_hand(scored, client_for):
    c = _criteria(scored)
    services.assessment_set(
        criterion=c["C1"],
        board_id=scored.own_boards[2].pk,
        source="bloc",
        points=D("6.5"),
        comment="Phong trào sôi nổi",
        actor=scored.users["secretariat"],
    )
    client = client_for(scored.users["board_officer"])
    page = client.get(reverse("scoring:self_assessment", args=[scored.own_year.pk]))
    fields = page.context["form"].fields
    assert {k for k in fields if k.startswith("points_")} == {
        f"points_{c[code].pk}" for code in ("C1", "C2", "D1", "D2")
    }
    # The bloc's points beside the board's own.
    assert "6,5" in page.text
    assert "Phong trào sôi nổi" in page.text


def test_self_assessment_saves_vietnamese_decimals_and_rescores(scored, client_for):
    board = scored.own_boards[2]
    client = client_for(scored.users["board_officer"])
    url = reverse("scoring:self_assessment", args=[scored.own_year.pk])
    response = _post_self(
        client,
        scored,
        {"C1": "7,5", "D2": "1"},
        {"C1": "Tổ chức 3 phong trào"},
    )
    assert response.status_code == 302
    assert _messages(response) == [vi("Self-assessment saved.")]
    assert _self(scored) == [
        ("C1", D("7.5"), "Tổ chức 3 phong trào"),
        ("D2", D(1), ""),
    ]
    lines = {ln["code"]: ln for ln in _score(scored.own_year, board).lines}
    assert (lines["C1"]["rule"], D(lines["C1"]["points"])) == ("assessed_self", 7.5)
    assert D(lines["D2"]["points"]) == D(-1)  # a penalty subtracts
    page = client.get(url)
    assert 'value="7,5"' in page.text  # shown back the Vietnamese way


def test_a_task_without_indicator_is_assessed_yes_or_no(world, client_for):
    year = world.own_year
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    scale = services.scale_create(bloc_year=year, actor=None)
    # No service edits criteria (the admin does): a task no indicator reports.
    Criterion.objects.create(
        scale=scale,
        parent=scale.criteria.get(code="B"),
        code="B4",
        name="Tham gia đầy đủ hội nghị khối",
        kind="yes_no",
        max_points=D(2),
        order=95,
    )
    services.scale_freeze(scale=scale, actor=None)
    client = client_for(world.users["board_officer"])
    page = client.get(reverse("scoring:self_assessment", args=[year.pk]))
    c = _criteria(world)
    assert f"points_{c['B4'].pk}" in page.context["form"].fields
    assert f"points_{c['B1'].pk}" not in page.context["form"].fields  # computed
    response = _post_self(client, world, {"B4": "2"})
    assert response.status_code == 302
    assert _self(world) == [("B4", D(2), "")]
    lines = {ln["code"]: ln for ln in _score(year, world.own_boards[2]).lines}
    assert (lines["B4"]["rule"], D(lines["B4"]["points"])) == ("assessed_self", 2)
    refused = _post_self(client, world, {"B4": "1"})  # neither yes nor no
    assert refused.status_code == 400
    assert _self(world) == [("B4", D(2), "")]


NUMBER_FORMAT = (
    "Enter a number written like %(example)s: “%(thousand)s” between groups of "
    "three digits, “%(decimal)s” before the decimals, nothing else."
)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9", "Must not exceed %(max)s."),  # C1 is worth 8
        ("-1", "Must not be negative."),
        ("1.000", "Must not exceed %(max)s."),  # one thousand, in Vietnamese
        ("abc", NUMBER_FORMAT),
        ("1,2,3", NUMBER_FORMAT),  # was read as 123: refused, never guessed
    ],
)
def test_self_assessment_refuses_bad_points_and_changes_nothing(
    scored, client_for, typed, message
):
    c = _criteria(scored)
    officer = scored.users["board_officer"]
    services.assessment_set(
        criterion=c["C2"],
        board_id=officer.board_id,
        source="self",
        points=D(3),
        comment="",
        actor=officer,
    )
    before = _self(scored)
    client = client_for(officer)
    response = _post_self(client, scored, {"C1": typed, "C2": "5"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [f"points_{c['C1'].pk}"]  # next to its own field
    params = {"max": "8", "example": "2.470,7", "thousand": ".", "decimal": ","}
    expected = vi(message) % params if "%" in message else vi(message)
    assert errors[f"points_{c['C1'].pk}"] == [expected]
    assert expected in response.text
    assert _self(scored) == before  # the valid C2 was not saved either


def test_self_assessment_cannot_be_cleared(scored, client_for):
    c = _criteria(scored)
    officer = scored.users["board_officer"]
    services.assessment_set(
        criterion=c["C1"],
        board_id=officer.board_id,
        source="self",
        points=D(4),
        comment="",
        actor=officer,
    )
    before = _self(scored)
    response = _post_self(client_for(officer), scored, {"C1": ""})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [f"points_{c['C1'].pk}"]
    assert _self(scored) == before


def test_self_assessment_filled_in_before_a_colleague_saved_is_refused(
    scored, client_for
):
    board = scored.own_boards[2]
    first = client_for(scored.users["board_officer"])
    url = reverse("scoring:self_assessment", args=[scored.own_year.pk])
    stale = first.get(url).context["form"]["stamp"].value()
    colleague = factories.user(role="board_officer", board=board)
    services.assessment_set(
        criterion=_criteria(scored)["C1"],
        board_id=board.pk,
        source="self",
        points=D(6),
        comment="",
        actor=colleague,
    )
    before = _self(scored)
    response = _post_self(first, scored, {"C1": "2", "C2": "3"}, stamp=stale)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors()
    assert _self(scored) == before == [("C1", D(6), "")]


def test_a_closed_years_self_assessment_is_read_only(scored, client_for):
    officer = scored.users["board_officer"]
    c = _criteria(scored)
    services.assessment_set(
        criterion=c["C1"],
        board_id=officer.board_id,
        source="self",
        points=D("4.5"),
        comment="",
        actor=officer,
    )
    blocs.bloc_year_upsert(
        bloc=scored.own, year=scored.own_year.year, status=factories.CLOSED
    )
    client = client_for(officer)
    url = reverse("scoring:self_assessment", args=[scored.own_year.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="points_{c["C1"].pk}"' not in page.text
    assert "4,5" in page.text
    response = client.post(url, {f"points_{c['C1'].pk}": "1"})
    assert response.status_code == 403
    assert _self(scored) == [("C1", D("4.5"), "")]


def test_self_assessment_waits_for_a_frozen_scale(world, client_for):
    pledges.indicators_copy(bloc_year=world.own_year, actor=None)
    scale = services.scale_create(bloc_year=world.own_year, actor=None)
    c1 = scale.criteria.get(code="C1")
    client = client_for(world.users["board_officer"])
    url = reverse("scoring:self_assessment", args=[world.own_year.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"] is None
    response = client.post(url, {f"points_{c1.pk}": "1"})
    assert response.status_code == 302
    assert _messages(response) == [vi("Assessment opens when the scale is frozen.")]
    assert not Assessment.objects.exists()


# 4. Voting through the page --------------------------------------------------------


def _vote(client, voting_round, *boards):
    return client.post(
        reverse("scoring:round", args=[voting_round.pk]),
        {"choices": [b.pk for b in boards]},
    )


def test_ballot_cast_through_the_page_shows_the_receipt_once(scored, client_for):
    voting_round = _round(scored.own_year)
    client = client_for(scored.users["board_officer"])
    response = _vote(client, voting_round, *scored.own_boards[:2])
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert sorted(ballot.choices) == sorted(b.pk for b in scored.own_boards[:2])
    assert BallotCast.objects.get().board == scored.own_boards[2]
    page = client.get(response["Location"])
    assert ballot.receipt in page.text  # the success message, once
    assert 'data-testid="voted"' in page.text
    assert 'name="choices"' not in page.text
    again = client.get(response["Location"])
    assert ballot.receipt not in again.text
    assert 'data-testid="voted"' in again.text


def test_second_ballot_is_refused_and_nothing_is_added(scored, client_for):
    voting_round = _round(scored.own_year)
    client = client_for(scored.users["board_officer"])
    first = _vote(client, voting_round, scored.own_boards[0])
    client.get(first["Location"])  # shows (and uses up) the receipt message
    for choices in ([scored.own_boards[1]], []):  # a valid and an empty ballot
        response = _vote(client, voting_round, *choices)
        assert response.status_code == 302
        assert _messages(response) == [
            vi("Your board has already voted in this round.")
        ]
        client.get(response["Location"])
    assert BallotCast.objects.count() == 1
    assert Ballot.objects.count() == 1
    assert Ballot.objects.get().choices == [scored.own_boards[0].pk]


def test_too_many_choices_are_refused_beside_the_field(scored, client_for):
    voting_round = _round(scored.own_year, quota=1, max_choices=1)
    client = client_for(scored.users["board_officer"])
    response = _vote(client, voting_round, *scored.own_boards[:2])
    assert response.status_code == 400
    assert response.context["form"].errors["choices"] == [
        vi("Choose at most %(n)s.") % {"n": 1}
    ]
    assert not Ballot.objects.exists()
    assert not BallotCast.objects.exists()


@pytest.mark.parametrize("stage", ["draft", "closed"])
def test_voting_before_opening_or_after_closing_is_refused(scored, client_for, stage):
    voting_round = _round(scored.own_year, opened=False)
    if stage == "closed":
        factories.round_open(voting_round=voting_round, actor=None)
        services.round_close(voting_round=voting_round, actor=None)
    client = client_for(scored.users["board_officer"])
    page = client.get(reverse("scoring:round", args=[voting_round.pk]))
    response = _vote(client, voting_round, scored.own_boards[0])
    if stage == "draft":
        # A round being prepared is not shown to boards at all.
        assert page.status_code == 404
        assert response.status_code == 404
    else:
        assert 'name="choices"' not in page.text
        assert response.status_code == 302
        assert _messages(response) == [vi("This round is not open for voting.")]
    assert not Ballot.objects.exists()
    assert not BallotCast.objects.exists()


def test_a_paper_round_has_no_ballot_on_the_portal(scored, client_for):
    voting_round = _round(scored.own_year, on_paper=True)
    client = client_for(scored.users["board_officer"])
    page = client.get(reverse("scoring:round", args=[voting_round.pk]))
    assert 'name="choices"' not in page.text
    assert _vote(client, voting_round, scored.own_boards[0]).status_code == 403
    assert not Ballot.objects.exists()


def _officer(world, board):
    return factories.user(role="board_officer", board=board)


def test_results_are_hidden_until_the_round_closes(scored, client_for):
    b0, b1, b2 = scored.own_boards
    voting_round = _round(scored.own_year)
    receipts = [
        services.ballot_cast(
            voting_round=voting_round, actor=_officer(scored, board), choices=[b0.pk]
        )
        for board in (b0, b1)
    ]
    url = reverse("scoring:round", args=[voting_round.pk])
    for role in ("secretariat", "board_officer", "ministry"):
        page = client_for(scored.users[role]).get(url)
        assert 'data-testid="count"' not in page.text
        assert 'data-testid="outcome"' not in page.text
        assert not any(r in page.text for r in receipts)
        assert not page.context["ballots"]
    services.round_close(voting_round=voting_round, actor=None)
    page = client_for(scored.users["board_officer"]).get(url)
    assert 'data-testid="count"' in page.text
    assert page.context["outcome"] == vi("Decided: the chosen boards are marked.")
    votes = {
        c.board_id: (c.votes, c.share, c.elected) for c in page.context["candidates"]
    }
    assert votes == {
        b0.pk: (2, D(100), True),
        b1.pk: (0, D(0), False),
        b2.pk: (0, D(0), False),
    }
    assert all(r in page.text for r in receipts)
    assert "100%" in page.text


def test_receipt_lookup_finds_the_counted_ballot(scored, client_for):
    voting_round = _round(scored.own_year)
    client = client_for(scored.users["board_officer"])
    _vote(client, voting_round, scored.own_boards[0], scored.own_boards[1])
    receipt = Ballot.objects.get().receipt
    services.round_close(voting_round=voting_round, actor=None)
    url = reverse("scoring:round", args=[voting_round.pk])
    page = client.get(url, {"receipt": f" {receipt.lower()} "})
    assert page.context["found"] is True
    assert f"<mark>{receipt}</mark>" in page.text
    row = page.text.split('data-testid="found"', 1)[1].split("</tr>", 1)[0]
    assert scored.own_boards[0].short_name in row
    assert scored.own_boards[1].short_name in row
    missing = client.get(url, {"receipt": "ZZZZZZZZZZ"})
    assert missing.context["found"] is False
    assert 'data-testid="found"' not in missing.text


def test_a_closed_paper_round_shows_its_tallies(scored, client_for):
    b0, b1, b2 = scored.own_boards
    voting_round = _round(scored.own_year, on_paper=True)
    services.round_paper_tally(
        voting_round=voting_round,
        actor=scored.users["secretariat"],
        issued=3,
        valid=3,
        invalid=0,
        votes={b0.pk: 3, b1.pk: 2, b2.pk: 1},
    )
    services.round_close(voting_round=voting_round, actor=None)
    page = client_for(scored.users["ministry"]).get(
        reverse("scoring:round", args=[voting_round.pk])
    )
    assert page.context["ballots"] == []
    count = page.text.split('data-testid="count"', 1)[1].split("</p>", 1)[0]
    assert "3" in count
    assert {c.board_id: c.votes for c in page.context["candidates"]} == {
        b0.pk: 3,
        b1.pk: 2,
        b2.pk: 1,
    }


# 5. Fixed queries --------------------------------------------------------------------

MAX_QUERIES = 9


@pytest.mark.parametrize("size", [7, 15])
def test_pages_run_the_same_queries_for_7_or_15_boards(
    db, client_for, django_assert_max_num_queries, size
):
    bloc = factories.bloc()
    boards = [factories.board() for _ in range(size)]
    year = factories.bloc_year(bloc=bloc, members=boards)
    _ready(year)
    officers = [_officer(None, b) for b in boards]
    secretariat = factories.user(role="secretariat", bloc=bloc)
    closed = _round(year)
    for officer in officers[: size // 2 + 1]:
        services.ballot_cast(
            voting_round=closed, actor=officer, choices=[boards[0].pk, boards[1].pk]
        )
    services.round_close(voting_round=closed, actor=None)
    opened = _round(year)
    services.ballot_cast(voting_round=opened, actor=officers[1], choices=[boards[0].pk])
    score = _score(year, boards[0])
    pages = [
        (secretariat, reverse("scoring:score", args=[score.pk]), {}),
        (officers[0], reverse("scoring:score", args=[score.pk]), {}),
        (secretariat, reverse("scoring:ranking", args=[year.pk]), {}),
        (officers[0], reverse("scoring:round", args=[opened.pk]), {}),
        (officers[1], reverse("scoring:round", args=[opened.pk]), {}),
        (officers[0], reverse("scoring:round", args=[closed.pk]), {"receipt": "X"}),
        (secretariat, reverse("scoring:round", args=[closed.pk]), {}),
        (officers[0], reverse("scoring:self_assessment", args=[year.pk]), {}),
    ]
    for user, url, query in pages:
        client = client_for(user)
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get(url, query).status_code == 200
    assert len(Score.objects.filter(bloc_year=year)) == size


def test_self_assessment_save_keeps_all_or_nothing(scored):
    """The service the board's page calls: a refused criterion (over its
    maximum) leaves the others unsaved and is named."""
    officer = scored.users["board_officer"]
    c1, c2 = (
        Criterion.objects.get(scale__bloc_year=scored.own_year, code=code)
        for code in ("C1", "C2")
    )
    over = c2.max_points + 1
    with pytest.raises(services.SelfAssessmentRefused) as refused:
        services.self_assessment_save(
            changes=[(c1, D(1), ""), (c2, over, "")], actor=officer
        )
    assert refused.value.criterion == c2
    assert not Assessment.objects.filter(source=Assessment.Source.SELF).exists()
    saved = services.self_assessment_save(
        changes=[(c1, D(1), "Tốt"), (c2, D(0), "")], actor=officer
    )
    assert saved == 2
    assert set(
        Assessment.objects.filter(
            source=Assessment.Source.SELF, board=officer.board
        ).values_list("criterion__code", "points")
    ) == {("C1", D(1)), ("C2", D(0))}
