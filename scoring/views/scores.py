"""Reader pages: a score's explanation and a year's ranking."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from blocs.permissions import is_board_officer
from blocs.selectors import boards_named_in
from scoring.models import Criterion, Score
from scoring.permissions import scores_visible_to
from scoring.views.common import _bloc_year_get_for_user, _decimal

# What each rule code of scoring/rules.py means, in words.
RULES = {
    "plan_met": gettext_lazy("Plan met: full points, plus any bonus above plan"),
    "plan_short": gettext_lazy("Short of plan: points lost for each percent short"),
    "no_figure": gettext_lazy("No approved figure: no points"),
    "no_plan_vs_best": gettext_lazy(
        "No plan: points in proportion to the bloc's best figure"
    ),
    "no_plan_no_best": gettext_lazy("No plan and no figure to compare: no points"),
    "done": gettext_lazy("Task done: full points"),
    "not_done": gettext_lazy("Task not done: no points"),
    "not_assessed": gettext_lazy("Not assessed yet: no points"),
    "assessed_bloc": gettext_lazy("Points given by the bloc"),
    "assessed_self": gettext_lazy("Points from the board's self-assessment"),
    "sum": gettext_lazy("Sum of the group's criteria"),
}


# 1. A score's explanation ---------------------------------------------------------


@dataclass
class ExplanationRow:
    code: str
    name: str
    is_group: bool
    max_points: Decimal | None
    figure: Decimal | None
    plan: Decimal | None
    percent: Decimal | None
    rule: str
    points: Decimal | None
    comment: str
    yes_no: bool = False

    @property
    def done(self) -> bool:
        return self.figure is not None and self.figure >= 1


def _explanation(lines: list[dict]) -> list[ExplanationRow]:
    return [
        ExplanationRow(
            code=line["code"],
            name=line["name"],
            is_group=line["kind"] == Criterion.Kind.GROUP,
            max_points=_decimal(line.get("max")),
            figure=_decimal(line.get("figure")),
            plan=_decimal(line.get("plan")),
            percent=_decimal(line.get("percent")),
            rule=RULES.get(line["rule"], line["rule"]),
            points=_decimal(line.get("points")),
            comment=line.get("comment", ""),
            yes_no=line["kind"] == Criterion.Kind.YES_NO,
        )
        for line in lines
    ]


def _score_get_for_user(*, user, pk: int) -> Score:
    """A score the user may see (a board officer: its own board's), or 404."""
    return get_object_or_404(
        scores_visible_to(user).select_related("board", "bloc_year__bloc"), pk=pk
    )


@require_safe
@login_required
def score_detail(request, pk):
    score = _score_get_for_user(user=request.user, pk=pk)
    boards_named_in([score.board], year=score.bloc_year.year)
    boards = score.bloc_year.memberships.count()
    return render(
        request,
        "scoring/score_detail.html",
        {
            "score": score,
            "rows": _explanation(score.lines),
            "boards": boards,
            "can_see_ranking": not is_board_officer(request.user),
        },
    )


# 2. A year's ranking --------------------------------------------------------------


@require_safe
@login_required
def ranking(request, pk):
    """The year's ranking: its secretariat and the ministry read it; a board
    officer sees only its own score's explanation."""
    bloc_year = _bloc_year_get_for_user(user=request.user, pk=pk)
    if is_board_officer(request.user):
        raise PermissionDenied
    groups = list(
        Criterion.objects.filter(
            scale__bloc_year=bloc_year, kind=Criterion.Kind.GROUP, parent=None
        ).order_by("order", "code")
    )
    scores = list(
        Score.objects.filter(bloc_year=bloc_year)
        .select_related("board")
        .order_by("rank", "board__short_name")
    )
    boards_named_in((s.board for s in scores), year=bloc_year.year)
    scores.sort(key=lambda s: (s.rank, s.board.short_name))  # the year's names
    rows = []
    for score in scores:
        points = {
            line["code"]: _decimal(line["points"])
            for line in score.lines
            if line["kind"] == Criterion.Kind.GROUP
        }
        rows.append((score, [points.get(g.code) for g in groups]))
    return render(
        request,
        "scoring/score_list.html",
        {"bloc_year": bloc_year, "groups": groups, "rows": rows},
    )
