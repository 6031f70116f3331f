"""What the scoring app adds to the year cockpit (blocs/hooks.py): the scale,
self- and bloc assessments, scores and each round's turnout; what the scoring
and voting stages still miss; the steps the button can take. Every function
runs a fixed number of queries whatever the number of boards or rounds."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.hooks import CockpitItem, NextAction
from blocs.models import BlocYear, Membership
from scoring import services
from scoring.models import Assessment, Score, ScoringScale, VotingRound

S = BlocYear.Status


@dataclass
class Counts:
    members: int
    scale: ScoringScale | None
    self_assessed: int
    bloc_assessed: int
    scores: int
    rounds: list[VotingRound]


def counts(bloc_year: BlocYear) -> Counts:
    """Five queries: members, the scale with the boards it has assessments
    for, scores, rounds with their ballots."""
    members = Membership.objects.filter(bloc_year=bloc_year).count()
    scale = (
        ScoringScale.objects.filter(bloc_year=bloc_year)
        .annotate(
            self_assessed=Count(
                "criteria__assessments__board",
                filter=Q(criteria__assessments__source=Assessment.Source.SELF),
                distinct=True,
            ),
            bloc_assessed=Count(
                "criteria__assessments__board",
                filter=Q(criteria__assessments__source=Assessment.Source.BLOC),
                distinct=True,
            ),
        )
        .first()
    )
    scores = Score.objects.filter(bloc_year=bloc_year).count()
    rounds = list(
        VotingRound.objects.filter(bloc_year=bloc_year)
        .annotate(cast=Count("casts", distinct=True))
        .order_by("pk")
    )
    return Counts(
        members=members,
        scale=scale,
        self_assessed=scale.self_assessed if scale else 0,
        bloc_assessed=scale.bloc_assessed if scale else 0,
        scores=scores,
        rounds=rounds,
    )


def _turnout(voting_round: VotingRound) -> int:
    return (
        voting_round.paper_issued or 0 if voting_round.on_paper else voting_round.cast
    )


def items(bloc_year: BlocYear) -> list[CockpitItem]:
    c = counts(bloc_year)
    n = c.members
    if c.scale is not None:
        scale_url = reverse("admin:scoring_scoringscale_change", args=[c.scale.pk])
        assess_url = reverse("admin:scoring_scoringscale_assess", args=[c.scale.pk])
    else:
        scale_url = assess_url = reverse("admin:scoring_scoringscale_create")
    frozen = c.scale is not None and c.scale.status == ScoringScale.Status.FROZEN
    out = [
        CockpitItem(
            S.SCORING,
            _("Scoring scale frozen"),
            ok=frozen,
            url=scale_url,
            detail=c.scale.get_status_display() if c.scale else _("not yet"),
        ),
        CockpitItem(
            S.SCORING,
            _("Self-assessments"),
            c.self_assessed,
            n,
            c.self_assessed >= n > 0,
            assess_url,
        ),
        CockpitItem(
            S.SCORING,
            _("The bloc's assessment"),
            c.bloc_assessed,
            n,
            c.bloc_assessed >= n > 0,
            assess_url,
        ),
        CockpitItem(
            S.SCORING,
            _("Scores computed"),
            c.scores,
            n,
            c.scores >= n > 0,
            f"{reverse('admin:scoring_score_changelist')}"
            f"?bloc_year__id__exact={bloc_year.pk}",
        ),
    ]
    if not c.rounds:
        out.append(
            CockpitItem(
                S.VOTING,
                _("Voting rounds"),
                0,
                None,
                False,
                reverse("admin:scoring_votinground_create"),
            )
        )
    for voting_round in c.rounds:
        out.append(
            CockpitItem(
                S.VOTING,
                _("Turnout: %(round)s") % {"round": voting_round.title},
                _turnout(voting_round),
                n,
                voting_round.status == VotingRound.Status.CLOSED,
                reverse("admin:scoring_votinground_change", args=[voting_round.pk]),
                voting_round.get_status_display(),
            )
        )
    return out


def missing(bloc_year: BlocYear, stage: str) -> list[str]:
    if stage not in (S.SCORING, S.VOTING):
        return []
    c = counts(bloc_year)
    out = []
    if stage == S.SCORING:
        if c.scale is None or c.scale.status != ScoringScale.Status.FROZEN:
            out.append(_("The scoring scale is not frozen."))
        if c.bloc_assessed < c.members:
            out.append(
                _("The bloc has assessed %(done)s of %(total)s boards.")
                % {"done": c.bloc_assessed, "total": c.members}
            )
        if c.scores < c.members:
            out.append(
                _("%(done)s of %(total)s boards have a score.")
                % {"done": c.scores, "total": c.members}
            )
    else:
        if not c.rounds:
            out.append(_("No voting round has been held."))
        out.extend(
            _("The round “%(round)s” is not closed.") % {"round": r.title}
            for r in c.rounds
            if r.status != VotingRound.Status.CLOSED
        )
    return out


def next_actions(bloc_year: BlocYear) -> list[NextAction]:
    if bloc_year.status not in (S.SCORING, S.VOTING):
        return []
    c = counts(bloc_year)
    if bloc_year.status == S.SCORING:
        if c.scale is None:
            return [
                NextAction(
                    "scale_create",
                    _("Create the year's scoring scale"),
                    lambda year, actor: services.scale_create(
                        bloc_year=year, actor=actor
                    ),
                    _(
                        "A copy of the bloc's latest scale, else the default one; "
                        "it can be edited until it is frozen."
                    ),
                )
            ]
        if c.scale.status == ScoringScale.Status.DRAFT:
            return [
                NextAction(
                    "scale_freeze",
                    _("Freeze the scoring scale and compute the scores"),
                    lambda year, actor: services.scale_freeze(
                        scale=ScoringScale.objects.get(bloc_year=year), actor=actor
                    ),
                    _("The criteria can no longer change once the scale is frozen."),
                )
            ]
        return []
    for r in c.rounds:
        if r.status == VotingRound.Status.DRAFT:
            return [
                NextAction(
                    f"round_open:{r.pk}",
                    _("Open the round “%(round)s”") % {"round": r.title},
                    lambda year, actor, pk=r.pk: services.round_open(
                        voting_round=VotingRound.objects.get(bloc_year=year, pk=pk),
                        actor=actor,
                    ),
                    _("Member boards are notified and can vote."),
                )
            ]
        if r.status == VotingRound.Status.OPEN:
            return [
                NextAction(
                    f"round_close:{r.pk}",
                    _("Close the round “%(round)s” and count its ballots")
                    % {"round": r.title},
                    lambda year, actor, pk=r.pk: services.round_close(
                        voting_round=VotingRound.objects.get(bloc_year=year, pk=pk),
                        actor=actor,
                    ),
                    _("Boards that have not voted can no longer vote."),
                )
            ]
    return []
