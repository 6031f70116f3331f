"""Board-facing and reader pages of scoring: a score's explanation, a year's
ranking, the self-assessment and the voting page."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    ValidationError,
)
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from blocs.models import BlocYear
from blocs.permissions import bloc_years_visible_to, is_board_officer
from blocs.templatetags.vn import num
from scoring import services
from scoring.forms import BallotForm, ReceiptLookupForm, SelfAssessmentForm
from scoring.models import (
    Assessment,
    BallotCast,
    Criterion,
    Score,
    ScoringScale,
    VotingRound,
)
from scoring.permissions import (
    can_self_assess,
    can_vote,
    rounds_visible_to,
    scores_visible_to,
)

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
OUTCOMES = {
    "decided": gettext_lazy("Decided: the chosen boards are marked."),
    "tie": gettext_lazy(
        "Tied at the last place: the bloc votes again among the tied boards."
    ),
    "no_quorum": gettext_lazy("Quorum not reached: no board is chosen."),
    "no_one_reached_threshold": gettext_lazy(
        "No candidate reached the required share of votes."
    ),
}
# Criteria a board assesses itself: everything not computed from an indicator.
HAND_KINDS = (Criterion.Kind.ASSESSED, Criterion.Kind.BONUS, Criterion.Kind.PENALTY)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


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


def _bloc_year_get_for_user(*, user, pk: int) -> BlocYear:
    return get_object_or_404(bloc_years_visible_to(user).select_related("bloc"), pk=pk)


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


# 3. The self-assessment -----------------------------------------------------------


def _self_assessment_page(request, bloc_year, scale, form, editable, bloc, status=200):
    score = (
        Score.objects.filter(bloc_year=bloc_year, board=request.user.board_id)
        .values_list("pk", flat=True)
        .first()
    )
    return render(
        request,
        "scoring/assessment_form.html",
        {
            "bloc_year": bloc_year,
            "score": score,
            "scale": scale,
            "form": form,
            "rows": [
                (criterion, points, comment, bloc.get(criterion.pk))
                for criterion, points, comment in (form.rows() if form else [])
            ],
            "editable": editable,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def self_assessment(request, pk):
    """A board's own points for the criteria given by hand, beside the bloc's.

    Each criterion is one call of ``services.assessment_set``; the loop runs
    in one transaction so that a refused criterion leaves nothing half-saved.
    """
    user = request.user
    if not is_board_officer(user):
        raise PermissionDenied
    bloc_year = _bloc_year_get_for_user(user=user, pk=pk)  # its member years only
    scale = (
        ScoringScale.objects.filter(bloc_year=bloc_year)
        .select_related("bloc_year")
        .first()
    )
    if scale is None or scale.status != ScoringScale.Status.FROZEN:
        if request.method == "POST":
            messages.error(request, _("Assessment opens when the scale is frozen."))
            return redirect("scoring:self_assessment", pk=bloc_year.pk)
        return _self_assessment_page(request, bloc_year, scale, None, False, {})
    editable = can_self_assess(user, bloc_year)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    criteria = list(
        scale.criteria.filter(
            Q(kind__in=HAND_KINDS) | Q(kind=Criterion.Kind.YES_NO, indicator_code="")
        )
        .select_related("parent")
        .order_by("order", "code")
    )
    own, bloc = {}, {}
    for a in Assessment.objects.filter(criterion__scale=scale, board=user.board_id):
        (own if a.source == Assessment.Source.SELF else bloc)[a.criterion_id] = a
    data = request.POST if request.method == "POST" else None
    form = SelfAssessmentForm(data, criteria=criteria, own=own)
    if request.method != "POST":
        return _self_assessment_page(request, bloc_year, scale, form, editable, bloc)
    if not form.is_valid():
        messages.error(request, _("Some entries are not valid: see the marked fields."))
        stale = form.has_error(NON_FIELD_ERRORS, "stale")
        return _self_assessment_page(
            request,
            bloc_year,
            scale,
            form,
            editable,
            bloc,
            status=409 if stale else 400,
        )
    current = None
    try:
        with transaction.atomic():
            for criterion, points, comment in form.changes():
                current = criterion
                services.assessment_set(
                    criterion=criterion,
                    board_id=user.board_id,
                    source=Assessment.Source.SELF,
                    points=points,
                    comment=comment,
                    actor=user,
                )
    except ValidationError as error:
        form.add_error(f"points_{current.pk}" if current else None, error.messages)
        return _self_assessment_page(
            request, bloc_year, scale, form, editable, bloc, status=400
        )
    messages.success(request, _("Self-assessment saved."))
    return redirect("scoring:self_assessment", pk=bloc_year.pk)


# 4. The voting page ---------------------------------------------------------------


def _round_get_for_user(*, user, pk: int) -> VotingRound:
    return get_object_or_404(
        rounds_visible_to(user).select_related("bloc_year__bloc"), pk=pk
    )


def _rules_in_words(r: VotingRound) -> list[str]:
    words = [
        _("Choices per ballot: at most %(n)s.") % {"n": r.max_choices},
        _("Boards to be chosen: %(n)s.") % {"n": r.quota},
    ]
    if r.quorum_base == VotingRound.QuorumBase.PRESENT:
        words.append(
            _(
                "Quorum: ballots cast must reach %(percent)s%% of the boards "
                "present (%(present)s)."
            )
            % {"percent": num(r.quorum_percent), "present": r.present or "—"}
        )
    else:
        words.append(
            _("Quorum: ballots cast must reach %(percent)s%% of the member boards.")
            % {"percent": num(r.quorum_percent)}
        )
    words.append(
        _("A candidate needs at least %(percent)s%% of the valid ballots.")
        % {"percent": num(r.threshold_percent)}
    )
    words.append(
        _("A board may vote for itself.")
        if r.self_vote_allowed
        else _("A board may not vote for itself.")
    )
    words.append(_("Ties: %(rule)s.") % {"rule": r.get_tie_break_display()})
    if r.on_paper:
        words.append(
            _("Voted on paper at the conference; the secretariat enters the tallies.")
        )
    return words


def _round_page(request, voting_round, candidates, form, status=200):
    user = request.user
    is_open = voting_round.status == VotingRound.Status.OPEN
    closed = voting_round.status == VotingRound.Status.CLOSED
    voter = can_vote(user, voting_round)
    cast = (
        BallotCast.objects.filter(round=voting_round, board=user.board_id).first()
        if voter
        else None
    )
    names = {c.board_id: c.board.short_name for c in candidates}
    lookup = ReceiptLookupForm(request.GET or None)
    receipt = lookup.code()
    ballots, found = [], None
    if closed and not voting_round.on_paper:
        ballots = [
            (b.receipt, [names.get(i, "?") for i in b.choices], b.receipt == receipt)
            for b in services.ballots_published(voting_round)
        ]
        if receipt:
            found = any(mark for _receipt, _chosen, mark in ballots)
    may_cast = voter and is_open and cast is None
    if may_cast and form is None:
        form = _ballot_form(None, voting_round, candidates, user)
    return render(
        request,
        "scoring/votinground_detail.html",
        {
            "round": voting_round,
            "rules": _rules_in_words(voting_round),
            "candidates": candidates,
            "form": form if may_cast else None,
            "voter": voter,
            "cast": cast,
            "closed": closed,
            "outcome": OUTCOMES.get(voting_round.outcome, voting_round.outcome),
            "ballots": ballots,
            "lookup": lookup,
            "receipt": receipt,
            "found": found,
        },
        status=status,
    )


def _ballot_form(data, voting_round, candidates, user):
    if not voting_round.self_vote_allowed:
        candidates = [c for c in candidates if c.board_id != user.board_id]
    return BallotForm(data, candidates=candidates, max_choices=voting_round.max_choices)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def round_detail(request, pk):
    """A voting round: its rules and candidates; the ballot while it is open;
    after closing, the results and the published list of counted ballots."""
    voting_round = _round_get_for_user(user=request.user, pk=pk)
    candidates = list(voting_round.candidates.select_related("board"))
    if request.method != "POST":
        return _round_page(request, voting_round, candidates, None)
    if not can_vote(request.user, voting_round):
        raise PermissionDenied
    form = _ballot_form(request.POST, voting_round, candidates, request.user)
    if not form.is_valid():
        refusal = _refusal(voting_round, request.user)
        if refusal is None:
            return _round_page(request, voting_round, candidates, form, status=400)
        messages.error(request, refusal)
        return redirect("scoring:round", pk=voting_round.pk)
    try:
        receipt = services.ballot_cast(
            voting_round=voting_round,
            actor=request.user,
            choices=form.cleaned_data["choices"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Your ballot receipt code: %(code)s; keep it to check against "
                "the published list."
            )
            % {"code": receipt},
        )
    return redirect("scoring:round", pk=voting_round.pk)


def _refusal(voting_round: VotingRound, user) -> str | None:
    """Why no ballot form is offered, for a post that did not pass the form
    (a ballot that did is refused, or not, by the service itself)."""
    if voting_round.status != VotingRound.Status.OPEN:
        return _("This round is not open for voting.")
    if BallotCast.objects.filter(round=voting_round, board=user.board_id).exists():
        return _("Your board has already voted in this round.")
    return None
