"""Scores, rankings and secret ballots through the services: seed 004."""

import threading
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from blocs import services as blocs_services
from blocs.models import AuditEvent, BlocYear, Membership
from pledges import services as pledges
from pledges.models import Indicator, Submission, Value
from scoring import services
from scoring.models import Ballot, BallotCast, Candidate, Criterion, Score, VotingRound
from tests import factories

SEED_004 = [  # short name, new projects (plan, actual), export (plan, actual)
    ("KKT Dung Quất", (10, 14), (1000, 1300)),
    ("KKT Gia Lai", (8, 11), (200, 250)),
    ("KKT Bình Định", (12, 14), (900, 1000)),
    ("KKT Vân Phong", (10, 11), (500, 560)),
    ("KCN Đắk Lắk", (6, 7), (150, 160)),
    ("KKT Kon Tum", (5, 5), (80, 80)),
    ("KCNC-KCN Đà Nẵng", (20, 19), (2000, 1900)),
    ("KKT mở Chu Lai", (12, 11), (700, 650)),
    ("KKT Phú Yên", (6, 5), (120, 100)),
    ("KCN Lâm Đồng", (5, 4), (90, 70)),
    ("KCN Đắk Nông", (4, 3), (60, 40)),
]


@pytest.fixture
def seed_004(db):
    """Seed 004's bloc in 2023: eleven boards, approved figures, frozen scale."""
    bloc = factories.bloc(
        short_name="TN-DHMT-T", name="Khối thi đua Tây Nguyên và DHMT"
    )
    boards = {name: factories.board(short_name=name) for name, *_ in SEED_004}
    year = factories.bloc_year(
        bloc=bloc,
        year=2023,
        members=list(boards.values()),
        head=boards["KKT Vân Phong"],
        deputy=boards["KKT Dung Quất"],
    )
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    secretariat = factories.user(role="secretariat", bloc=bloc)
    officers = {}
    projects = Indicator.objects.get(bloc_year=year, code="new-projects")
    fdi = Indicator.objects.get(bloc_year=year, code="new-projects-fdi")
    export = Indicator.objects.get(bloc_year=year, code="export")
    for name, (p_plan, p_actual), (e_plan, e_actual) in SEED_004:
        board = boards[name]
        officers[name] = factories.user(role="board_officer", board=board)
        sub = Submission.objects.get(bloc_year=year, board=board)
        entries = {
            projects.pk: pledges.Entry(plan=D(p_plan), actual=D(p_actual)),
            fdi.pk: pledges.Entry(actual=D(p_actual)),
            export.pk: pledges.Entry(plan=D(e_plan), actual=D(e_actual)),
        }
        sub = pledges.submission_submit(
            submission=sub,
            actor=officers[name],
            expected_version=sub.version,
            entries=entries,
        )
        pledges.submission_approve(submission=sub, actor=secretariat)
    scale = services.scale_create(bloc_year=year, actor=secretariat)
    services.scale_freeze(scale=scale, actor=secretariat)
    return year, boards, officers, secretariat


def _round(year, kind, quota, secretariat, candidates=None, **kw):
    voting_round = services.round_create(
        bloc_year=year,
        kind=kind,
        actor=secretariat,
        candidates=candidates,
        quota=quota,
        max_choices=quota,
        **kw,
    )
    return factories.round_open(voting_round=voting_round, actor=secretariat)


def test_scores_and_ranking_of_eleven_boards_explained(seed_004):
    year, _boards, _officers, _secretariat = seed_004
    scores = list(
        Score.objects.filter(bloc_year=year).select_related("board").order_by("rank")
    )
    assert len(scores) == 11
    for score in scores:
        leaves = [ln for ln in score.lines if ln["kind"] != "group"]
        assert sum(D(ln["points"]) for ln in leaves) == score.total
        groups = {
            ln["code"]: D(ln["points"]) for ln in score.lines if ln["kind"] == "group"
        }
        for code, points in groups.items():
            assert points == sum(
                D(ln["points"]) for ln in leaves if ln["parent"] == code
            )
    a1 = next(ln for ln in scores[0].lines if ln["code"] == "A1")
    assert a1["rule"] in {"plan_met", "plan_short"}
    assert [s.rank for s in scores] == sorted(s.rank for s in scores)
    assert scores[0].total >= scores[-1].total
    # Recomputing changes nothing: the scores are deterministic.
    before = [(s.board_id, s.total, s.rank, s.lines) for s in scores]
    services.scores_compute(bloc_year=year, actor=None)
    after = [
        (s.board_id, s.total, s.rank, s.lines)
        for s in Score.objects.filter(bloc_year=year).order_by("rank", "board_id")
    ]
    assert sorted(before, key=lambda r: (r[2], r[0])) == after


def test_scores_follow_approved_figures_until_the_year_closes(seed_004):
    year, boards, _officers, secretariat = seed_004
    board = boards["KKT Dung Quất"]
    before = Score.objects.get(bloc_year=year, board=board).total
    sub = Submission.objects.get(bloc_year=year, board=board)
    import datetime as dt

    from django.utils import timezone

    pledges.submission_reopen(
        submission=sub,
        actor=secretariat,
        until=timezone.localdate() + dt.timedelta(days=1),
        reason="Sửa",
    )
    assert Score.objects.get(bloc_year=year, board=board).total < before


def test_reproduces_seed_004(seed_004):
    year, boards, officers, secretariat = seed_004
    ids = {name: b.pk for name, b in boards.items()}
    flag = _round(year, "flag", 2, secretariat)
    merit = _round(year, "merit", 3, secretariat)
    head = _round(year, "head", 1, secretariat)
    deputy = _round(year, "deputy", 1, secretariat)
    for i, (_name, officer) in enumerate(officers.items()):
        flag_choice = (
            ["KKT Dung Quất", "KKT Gia Lai"]
            if i < 9
            else ["KKT Dung Quất", "KKT Bình Định"]
        )
        services.ballot_cast(
            voting_round=flag, actor=officer, choices=[ids[n] for n in flag_choice]
        )
        merit_choice = (
            ["KKT Bình Định", "KKT Vân Phong", "KCN Đắk Lắk"]
            if i < 8
            else ["KKT Bình Định", "KKT Vân Phong", "KKT Phú Yên"]
        )
        services.ballot_cast(
            voting_round=merit, actor=officer, choices=[ids[n] for n in merit_choice]
        )
        services.ballot_cast(
            voting_round=head, actor=officer, choices=[ids["KKT Dung Quất"]]
        )
        services.ballot_cast(
            voting_round=deputy, actor=officer, choices=[ids["KKT Kon Tum"]]
        )

    def chosen(voting_round):
        services.round_close(voting_round=voting_round, actor=secretariat)
        return {
            c.board.short_name
            for c in voting_round.candidates.filter(elected=True).select_related(
                "board"
            )
        }

    assert chosen(flag) == {"KKT Dung Quất", "KKT Gia Lai"}
    assert chosen(merit) == {"KKT Bình Định", "KKT Vân Phong", "KCN Đắk Lắk"}
    assert chosen(head) == {"KKT Dung Quất"}
    assert chosen(deputy) == {"KKT Kon Tum"}
    head_candidate = head.candidates.get(board=boards["KKT Dung Quất"])
    assert (head_candidate.votes, head_candidate.share) == (11, D("100.00"))
    dung_quat = flag.candidates.get(board=boards["KKT Dung Quất"])
    assert (
        dung_quat.score_rank
        == Score.objects.get(bloc_year=year, board=boards["KKT Dung Quất"]).rank
    )
    next_year = BlocYear.objects.get(bloc=year.bloc, year=2024)
    leaders = dict(
        next_year.memberships.exclude(role="member").values_list(
            "role", "board__short_name"
        )
    )
    assert leaders == {"head": "KKT Dung Quất", "deputy": "KKT Kon Tum"}
    assert next_year.memberships.count() == 11


# Double votes ----------------------------------------------------------------------


def test_a_board_votes_once(seed_004):
    year, boards, officers, secretariat = seed_004
    voting_round = _round(year, "head", 1, secretariat)
    officer = officers["KKT Gia Lai"]
    services.ballot_cast(
        voting_round=voting_round, actor=officer, choices=[boards["KKT Dung Quất"].pk]
    )
    second_officer = factories.user(role="board_officer", board=boards["KKT Gia Lai"])
    with pytest.raises(ValidationError, match="đã bỏ phiếu"):
        services.ballot_cast(
            voting_round=voting_round,
            actor=second_officer,
            choices=[boards["KKT Kon Tum"].pk],
        )
    assert (BallotCast.objects.count(), Ballot.objects.count()) == (1, 1)


def test_database_refuses_a_second_ballot_when_the_service_is_bypassed(seed_004):
    year, boards, officers, secretariat = seed_004
    voting_round = _round(year, "head", 1, secretariat)
    officer = officers["KKT Gia Lai"]
    services.ballot_cast(
        voting_round=voting_round, actor=officer, choices=[boards["KKT Dung Quất"].pk]
    )
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        BallotCast.objects.create(
            round=voting_round,
            board=officer.board,
            cast_by=officer,
            cast_at=timezone.now(),
        )
    assert BallotCast.objects.count() == 1


def test_no_vote_before_opening_after_closing_or_in_another_bloc(seed_004):
    year, boards, officers, secretariat = seed_004
    officer = officers["KKT Gia Lai"]
    draft = services.round_create(bloc_year=year, kind="merit", actor=secretariat)
    with pytest.raises(ValidationError, match="chưa mở"):
        services.ballot_cast(voting_round=draft, actor=officer, choices=[])
    closed = _round(year, "head", 1, secretariat)
    services.round_close(voting_round=closed, actor=secretariat)
    with pytest.raises(ValidationError):
        services.ballot_cast(
            voting_round=closed, actor=officer, choices=[boards["KKT Gia Lai"].pk]
        )
    stranger_board = factories.board()
    other_year = factories.bloc_year(
        bloc=factories.bloc(), year=2023, members=[stranger_board]
    )
    other_round = services.round_create(bloc_year=other_year, kind="head", actor=None)
    factories.round_open(voting_round=other_round, actor=None)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(
            voting_round=other_round, actor=officer, choices=[stranger_board.pk]
        )
    assert not BallotCast.objects.exists()
    assert not Ballot.objects.exists()


def test_self_vote_can_be_forbidden_and_choices_are_bounded(seed_004):
    year, boards, officers, secretariat = seed_004
    voting_round = _round(year, "flag", 2, secretariat, self_vote_allowed=False)
    officer = officers["KKT Gia Lai"]
    with pytest.raises(ValidationError, match="không được bỏ phiếu cho chính mình"):
        services.ballot_cast(
            voting_round=voting_round, actor=officer, choices=[officer.board_id]
        )
    with pytest.raises(ValidationError, match="tối đa 2"):
        services.ballot_cast(
            voting_round=voting_round,
            actor=officer,
            choices=[
                boards[n].pk for n in ("KKT Dung Quất", "KKT Kon Tum", "KCN Lâm Đồng")
            ],
        )
    assert not Ballot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_ballots_store_exactly_one():
    """Two requests of the same board at the same moment (on PostgreSQL the
    round row lock serialises them; the unique constraint is the backstop)."""
    boards = [factories.board() for _ in range(3)]
    year = factories.bloc_year(bloc=factories.bloc(), year=2023, members=boards)
    voting_round = services.round_create(bloc_year=year, kind="head", actor=None)
    factories.round_open(voting_round=voting_round, actor=None)
    officers = [factories.user(role="board_officer", board=boards[0]) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def vote(officer):
        try:
            barrier.wait()
            services.ballot_cast(
                voting_round=voting_round, actor=officer, choices=[boards[1].pk]
            )
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # On both databases one writer waits for the other (PostgreSQL: the round's
    # row lock; SQLite: BEGIN IMMEDIATE with a busy timeout), then is told its
    # board has voted: never a refusal for a locked database.
    assert sorted(outcomes) == ["ValidationError", "ok"], outcomes
    assert BallotCast.objects.filter(round=voting_round).count() == 1
    assert Ballot.objects.filter(round=voting_round).count() == 1


# Secrecy and verifiability ------------------------------------------------------


def test_stored_ballot_has_nothing_linking_it_to_its_board(seed_004, caplog):
    year, boards, officers, secretariat = seed_004
    voting_round = _round(year, "flag", 2, secretariat)
    choice = [boards["KKT Dung Quất"].pk, boards["KKT Gia Lai"].pk]
    with CaptureQueriesContext(connection) as queries:
        receipt = services.ballot_cast(
            voting_round=voting_round, actor=officers["KKT Bình Định"], choices=choice
        )
    columns = {f.column for f in Ballot._meta.concrete_fields}
    assert columns == {"id", "round_id", "receipt", "choices"}
    cast_columns = {f.column for f in BallotCast._meta.concrete_fields}
    assert cast_columns == {"id", "round_id", "board_id", "cast_by_id", "cast_at"}
    ballot = Ballot.objects.get(receipt=receipt)
    assert ballot.id.version == 4  # random, not a sequence that follows cast order
    # No statement touches both the voters and the choices.
    for query in queries.captured_queries:
        sql = query["sql"]
        assert not ("scoring_ballotcast" in sql and '"scoring_ballot"' in sql), sql
    # Neither the audit trail nor the logs say what the board chose.
    event = AuditEvent.objects.get(action="ballot.cast")
    assert event.changes == {"board": "KKT Bình Định"}
    assert receipt not in str(event.changes)
    assert receipt not in caplog.text


def test_receipt_is_in_the_published_list_and_the_recount_matches(seed_004):
    year, boards, officers, secretariat = seed_004
    voting_round = _round(year, "flag", 2, secretariat)
    receipts = {}
    for i, (name, officer) in enumerate(officers.items()):
        picks = ["KKT Dung Quất", "KKT Gia Lai"] if i % 3 else ["KKT Bình Định"]
        receipts[name] = services.ballot_cast(
            voting_round=voting_round,
            actor=officer,
            choices=[boards[n].pk for n in picks],
        )
    assert services.ballots_published(voting_round) == []  # nothing before closing
    services.round_close(voting_round=voting_round, actor=secretariat)
    published = {b.receipt: b.choices for b in services.ballots_published(voting_round)}
    assert set(receipts.values()) == set(published)
    votes, cast, valid = services.round_count(voting_round)
    recount = {board_id: 0 for board_id in votes}
    for choices in published.values():
        for board_id in choices:
            recount[board_id] += 1
    stored = dict(voting_round.candidates.values_list("board_id", "votes"))
    assert recount == votes == stored
    assert cast == valid == 11


# Rules of the count, through the services ---------------------------------------


def test_quorum_not_reached_nobody_is_chosen(seed_004):
    year, boards, officers, secretariat = seed_004
    voting_round = _round(year, "head", 1, secretariat)
    for officer in list(officers.values())[:5]:  # 5 of 11 < 50%
        services.ballot_cast(
            voting_round=voting_round, actor=officer, choices=[boards["KKT Kon Tum"].pk]
        )
    decision = services.round_close(voting_round=voting_round, actor=secretariat)
    voting_round.refresh_from_db()
    assert (decision.outcome, voting_round.outcome) == ("no_quorum", "no_quorum")
    assert not voting_round.candidates.filter(elected=True).exists()
    assert not BlocYear.objects.filter(bloc=year.bloc, year=2024).exists()


def test_quorum_of_boards_present(seed_004):
    year, boards, officers, secretariat = seed_004
    voting_round = _round(
        year, "head", 1, secretariat, quorum_base="present", present=6
    )
    for officer in list(officers.values())[:5]:  # 5 of 6 present
        services.ballot_cast(
            voting_round=voting_round, actor=officer, choices=[boards["KKT Kon Tum"].pk]
        )
    assert services.round_close(
        voting_round=voting_round, actor=secretariat
    ).winners == [boards["KKT Kon Tum"].pk]


def test_paper_tie_broken_by_score_rank(seed_004):
    year, boards, _officers, secretariat = seed_004
    ranks = dict(
        Score.objects.filter(bloc_year=year).values_list("board__short_name", "rank")
    )
    a, b = "KKT Dung Quất", "KCN Đắk Nông"
    better = a if ranks[a] < ranks[b] else b
    voting_round = services.round_create(
        bloc_year=year,
        kind="flag",
        actor=secretariat,
        on_paper=True,
        candidates=[boards[a].pk, boards[b].pk],
    )
    factories.round_open(voting_round=voting_round, actor=secretariat)
    with pytest.raises(ValidationError, match="vượt số phiếu phát ra"):
        services.round_paper_tally(
            voting_round=voting_round,
            actor=secretariat,
            issued=11,
            valid=11,
            invalid=1,
            votes={boards[a].pk: 6, boards[b].pk: 6},
        )
    services.round_paper_tally(
        voting_round=voting_round,
        actor=secretariat,
        issued=13,
        valid=12,
        invalid=1,
        votes={boards[a].pk: 6, boards[b].pk: 6},
    )
    decision = services.round_close(voting_round=voting_round, actor=secretariat)
    assert decision.winners == [boards[better].pk]
    assert set(
        Candidate.objects.filter(round=voting_round, elected=True).values_list(
            "board__short_name", flat=True
        )
    ) == {better}


def test_only_the_secretariat_runs_rounds(seed_004):
    year, _boards, officers, _secretariat = seed_004
    for actor in (officers["KKT Gia Lai"], factories.user(role="ministry_viewer")):
        with pytest.raises(PermissionDenied):
            services.round_create(bloc_year=year, kind="flag", actor=actor)
    assert not VotingRound.objects.exists()
    assert Membership.objects.filter(bloc_year=year).count() == 11
    assert Value.objects.filter(submission__bloc_year=year).exists()


def test_only_members_are_assessed(seed_004):
    year, _boards, _officers, secretariat = seed_004
    outsider = factories.board()
    criterion = Criterion.objects.get(scale__bloc_year=year, code="C1")
    with pytest.raises(ValidationError, match="thành viên"):
        services.assessment_set(
            criterion=criterion,
            board_id=outsider.pk,
            source="bloc",
            points=D(5),
            comment="",
            actor=secretariat,
        )
    assert not criterion.assessments.exists()


def test_election_keeps_the_provenance_of_next_years_membership(seed_004):
    year, boards, officers, secretariat = seed_004
    following = factories.bloc_year(bloc=year.bloc, year=2024)
    blocs_services.membership_set(
        bloc_year=following,
        board=boards["KKT Kon Tum"],
        confirmed=False,
        source="seed 004",
    )
    deputy = _round(year, "deputy", 1, secretariat)
    for officer in officers.values():
        services.ballot_cast(
            voting_round=deputy, actor=officer, choices=[boards["KKT Kon Tum"].pk]
        )
    services.round_close(voting_round=deputy, actor=secretariat)
    membership = following.memberships.get(board=boards["KKT Kon Tum"])
    assert (membership.role, membership.source, membership.confirmed) == (
        "deputy",
        "seed 004",
        False,
    )
