"""Score arithmetic: each criterion's points and the ranking. No ORM.

A scale is a tree: groups sum their children. Leaf kinds (shared/domain.md,
"Scoring scales"):
- plan: A = actual, T = plan, M = max points. A ≥ T·full%/100 gives M plus
  bonus_per_percent for each % above, capped; below, each % short loses
  loss_per_percent, never below 0. A board with no plan is scored A/A_best·M.
- yes_no: M when the task is done (indicator value 1 or an assessment of M).
- assessed: the bloc's points (else the board's own, provisional), 0..M.
- bonus / penalty: 0..M added / subtracted.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pledges.calc import percent_of_plan

CENT = Decimal("0.01")
ZERO = Decimal(0)


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name: str
    kind: str
    max_points: Decimal
    parent: str | None = None
    indicator: str = ""
    full_at: Decimal = Decimal(100)
    loss_per_percent: Decimal = Decimal("0.5")
    bonus_per_percent: Decimal = ZERO
    bonus_cap: Decimal = ZERO


@dataclass(frozen=True)
class Line:
    """One criterion of one board: the figure, the plan, the rule, the points."""

    code: str
    name: str
    kind: str
    max_points: Decimal
    points: Decimal
    rule: str
    parent: str | None = None
    figure: Decimal | None = None
    plan: Decimal | None = None
    percent: Decimal | None = None
    comment: str = ""

    def as_json(self) -> dict:
        def s(v):
            return None if v is None else str(v)

        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent,
            "max": s(self.max_points),
            "points": s(self.points),
            "figure": s(self.figure),
            "plan": s(self.plan),
            "percent": s(self.percent),
            "rule": self.rule,
            "comment": self.comment,
        }


def plan_points(
    c: CriterionSpec, actual: Decimal | None, plan: Decimal | None, best: Decimal | None
) -> tuple[Decimal, Decimal | None, str]:
    """(points, % of plan, rule) for a criterion scored against plan."""
    m = c.max_points
    if actual is None:
        return ZERO, None, "no_figure"
    if plan is None or plan == 0:
        if not best or best <= 0:
            return ZERO, None, "no_plan_no_best"
        return q(max(ZERO, min(m, m * actual / best))), None, "no_plan_vs_best"
    percent = percent_of_plan(actual, plan)
    if percent >= c.full_at:
        bonus = min(c.bonus_cap, (percent - c.full_at) * c.bonus_per_percent)
        return q(m + max(ZERO, bonus)), percent, "plan_met"
    return (
        q(max(ZERO, m - (c.full_at - percent) * c.loss_per_percent)),
        percent,
        "plan_short",
    )


@dataclass
class BoardScore:
    board_id: int
    name: str
    lines: list[Line] = field(default_factory=list)
    rank: int = 0

    @property
    def total(self) -> Decimal:
        return sum((ln.points for ln in self.lines if ln.kind != "group"), ZERO)

    def group_points(self, code: str) -> Decimal:
        return next((ln.points for ln in self.lines if ln.code == code), ZERO)


def score_board(
    criteria: list[CriterionSpec],
    board_id: int,
    name: str,
    actual: Mapping[str, Decimal | None],
    plan: Mapping[str, Decimal | None],
    best: Mapping[str, Decimal | None],
    assessed: Mapping[str, tuple[Decimal, str, str]],
) -> BoardScore:
    """``assessed[code] = (points, source, comment)``, source "bloc" or "self"."""
    score = BoardScore(board_id, name)
    leaves: list[Line] = []
    for c in criteria:
        if c.kind == "group":
            continue
        given = assessed.get(c.code)
        figure = actual.get(c.indicator) if c.indicator else None
        target = plan.get(c.indicator) if c.indicator else None
        percent = None
        comment = given[2] if given else ""
        if c.kind == "plan":
            points, percent, rule = plan_points(
                c, figure, target, best.get(c.indicator)
            )
        elif c.kind == "yes_no" and c.indicator:
            done = figure is not None and figure >= 1
            points, rule = (
                (c.max_points if done else ZERO),
                ("done" if done else "not_done"),
            )
        elif given is None:
            points, rule = ZERO, "not_assessed"
        else:
            points = min(max(given[0], ZERO), c.max_points)
            rule = f"assessed_{given[1]}"
            if c.kind == "penalty":
                points = -points
        leaves.append(
            Line(
                c.code,
                c.name,
                c.kind,
                c.max_points,
                q(points),
                rule,
                c.parent,
                figure,
                target,
                percent,
                comment,
            )
        )
    groups = []
    for c in criteria:
        if c.kind == "group":
            points = sum((ln.points for ln in leaves if ln.parent == c.code), ZERO)
            groups.append(
                Line(c.code, c.name, "group", c.max_points, q(points), "sum", c.parent)
            )
    order = {c.code: i for i, c in enumerate(criteria)}
    score.lines = sorted(groups + leaves, key=lambda ln: order[ln.code])
    return score


def rank(scores: Iterable[BoardScore], first_group: str | None) -> list[BoardScore]:
    """Order by total, then by the first group's points (the plan
    indicators); boards equal on both share a rank (1, 1, 3)."""

    def key(s: BoardScore):
        return (-s.total, -(s.group_points(first_group) if first_group else ZERO))

    ordered = sorted(scores, key=lambda s: (*key(s), s.name))
    for i, s in enumerate(ordered):
        s.rank = ordered[i - 1].rank if i and key(ordered[i - 1]) == key(s) else i + 1
    return ordered
