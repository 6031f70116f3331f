"""The voting page: a round's rules, the ballot while it is open, the
results and the published ballots after it closes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blocs.selectors import boards_named_in
from blocs.templatetags.vn import num
from scoring import services
from scoring.forms import BallotForm, ReceiptLookupForm
from scoring.models import BallotCast, VotingRound
from scoring.permissions import can_vote, rounds_visible_to


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
            "outcome": services.round_outcome_text(voting_round.outcome),
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
    boards_named_in((c.board for c in candidates), year=voting_round.bloc_year.year)
    candidates.sort(key=lambda c: (c.board.short_name, c.pk))  # the year's names
    if request.method != "POST":
        return _round_page(request, voting_round, candidates, None)
    if not can_vote(request.user, voting_round):
        raise PermissionDenied
    form = _ballot_form(request.POST, voting_round, candidates, request.user)
    if not form.is_valid():
        refusal = services.ballot_refusal(
            voting_round=voting_round, board_id=request.user.board_id
        )
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
