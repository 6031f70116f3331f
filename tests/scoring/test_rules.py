"""Score and count arithmetic, without a database."""

from decimal import Decimal as D

import pytest

from scoring import rules, tally

PLAN = rules.CriterionSpec(
    "A1", "Dự án", "plan", D(10), "A", "p", D(100), D("0.5"), D("0.1"), D(2)
)
SCALE = [
    rules.CriterionSpec("A", "Chỉ tiêu", "group", D(20)),
    PLAN,
    rules.CriterionSpec("A2", "Xuất khẩu", "plan", D(10), "A", "x"),
    rules.CriterionSpec("B", "Nhiệm vụ", "group", D(10)),
    rules.CriterionSpec("B1", "TTHC", "yes_no", D(5), "B", "t"),
    rules.CriterionSpec("B2", "Thi đua", "assessed", D(5), "B"),
    rules.CriterionSpec("D", "Thưởng, trừ", "group", D(5)),
    rules.CriterionSpec("D1", "Thưởng", "bonus", D(3), "D"),
    rules.CriterionSpec("D2", "Trừ", "penalty", D(3), "D"),
]


@pytest.mark.parametrize(
    ("actual", "plan", "best", "points", "rule"),
    [
        (D(100), D(100), None, D(10), "plan_met"),
        (D(115), D(100), None, D("11.50"), "plan_met"),  # 15% above x 0,1, capped at 2
        (D(150), D(100), None, D(12), "plan_met"),
        (D(90), D(100), None, D(5), "plan_short"),  # 10% short x 0,5
        (D(50), D(100), None, D(0), "plan_short"),  # never below 0
        (D(30), None, D(60), D(5), "no_plan_vs_best"),  # A / A_best x M
        (None, D(100), None, D(0), "no_figure"),
    ],
)
def test_plan_points(actual, plan, best, points, rule):
    got, _percent, got_rule = rules.plan_points(PLAN, actual, plan, best)
    assert (got, got_rule) == (points, rule)


def _board(board_id, name, actual, plan=None, assessed=None):
    return rules.score_board(
        SCALE,
        board_id,
        name,
        actual,
        plan or {},
        {"p": D(200), "x": D(200)},
        assessed or {},
    )


def test_explanation_sums_to_total_and_groups_sum_children():
    score = _board(
        1,
        "A",
        {"p": D(120), "x": D(80), "t": D(1)},
        {"p": D(100), "x": D(100)},
        {
            "B2": (D(4), "bloc", "tốt"),
            "D1": (D(2), "bloc", ""),
            "D2": (D(1), "bloc", ""),
        },
    )
    leaves = [ln for ln in score.lines if ln.kind != "group"]
    assert score.total == sum(ln.points for ln in leaves)
    assert score.total == D(12) + D(0) + D(5) + D(4) + D(2) - D(1)
    groups = {ln.code: ln.points for ln in score.lines if ln.kind == "group"}
    assert groups == {"A": D(12), "B": D(9), "D": D(1)}
    assert [ln.code for ln in score.lines] == [c.code for c in SCALE]


def test_assessment_is_capped_and_bloc_counts():
    score = _board(1, "A", {}, assessed={"B2": (D(9), "bloc", "")})
    b2 = next(ln for ln in score.lines if ln.code == "B2")
    assert (b2.points, b2.rule) == (D(5), "assessed_bloc")


def test_ranking_ties_broken_by_first_group_then_shared():
    a = _board(1, "A", {"p": D(100), "x": D(100)}, {"p": D(100), "x": D(100)})
    b = _board(
        2,
        "B",
        {"t": D(1)},
        assessed={
            "B2": (D(5), "bloc", ""),
            "D1": (D(3), "bloc", ""),
            "D2": (D(0), "bloc", ""),
        },
    )
    b2 = _board(
        3,
        "C",
        {"t": D(1)},
        assessed={
            "B2": (D(5), "bloc", ""),
            "D1": (D(3), "bloc", ""),
            "D2": (D(0), "bloc", ""),
        },
    )
    c = _board(
        4,
        "D",
        {"p": D(100), "x": D(90)},
        {"p": D(100), "x": D(100)},
        {"B2": (D(3), "bloc", "")},
    )
    ranked = rules.rank([b, c, a, b2], "A")
    # a: 20 (A 20); c: 15 + 3 = 18 (A 15); b and b2: 5 + 5 + 3 = 13 (A 0)
    assert [(s.board_id, s.total, s.rank) for s in ranked] == [
        (1, D(20), 1),
        (4, D(18), 2),
        (2, D(13), 3),
        (3, D(13), 3),
    ]


def C(board, votes, rank=None):
    return tally.Contender(board, votes, rank)


def _decide(contenders, **kw):
    args = {
        "cast": 11,
        "valid": 11,
        "base": 11,
        "quota": 2,
        "quorum_percent": D(50),
        "threshold_percent": D(50),
        "tie_break": "score",
    } | kw
    return tally.decide(contenders, **args)


def test_quota_and_threshold():
    d = _decide([C(1, 10), C(2, 9), C(3, 8), C(4, 2)])
    assert (d.winners, d.outcome) == ([1, 2], "decided")
    assert d.shares[1] == D("90.91")


def test_threshold_not_reached():
    d = _decide([C(1, 5), C(2, 5), C(3, 1)], quota=1)
    assert d.shares[1] == D("45.45")
    assert (d.winners, d.outcome) == ([], "no_one_reached_threshold")


def test_quorum_not_reached_chooses_nobody():
    d = _decide([C(1, 5)], cast=5, valid=5, quota=1)
    assert d.turnout == D("45.45")
    assert (d.quorum_met, d.winners, d.outcome) == (False, [], "no_quorum")


def test_quorum_counts_boards_present_when_so_set():
    d = _decide([C(1, 5)], cast=5, valid=5, base=6, quota=1)
    assert (d.quorum_met, d.winners) == (True, [1])


def test_tie_broken_by_score_rank():
    d = _decide([C(1, 10), C(2, 8, 3), C(3, 8, 2)])
    assert (d.winners, d.unresolved) == ([1, 3], [])


def test_tie_with_equal_score_rank_is_unresolved():
    d = _decide([C(1, 10), C(2, 8, 2), C(3, 8, 2)])
    assert (d.winners, d.unresolved, d.outcome) == ([1], [2, 3], "tie")


def test_tie_without_tie_break_is_unresolved():
    d = _decide([C(1, 8, 1), C(2, 8, 2), C(3, 8, 3)], tie_break="none")
    assert (d.winners, d.unresolved) == ([], [1, 2, 3])
