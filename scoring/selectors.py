"""Scoped, optimised reads for score and voting pages."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.permissions import is_board_officer
from scoring.models import Score, ScoringScale, VotingRound


def board_year_links(
    user, bloc_year_ids: list[int]
) -> dict[int, list[tuple[str, str]]]:
    """A blocs hook: the board's score and the year's voting rounds."""
    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not is_board_officer(user):
        return links
    for bloc_year_id in ScoringScale.objects.filter(
        bloc_year__in=bloc_year_ids, status=ScoringScale.Status.FROZEN
    ).values_list("bloc_year_id", flat=True):
        links[bloc_year_id].append(
            (
                _("Self-assessment"),
                reverse("scoring:self_assessment", args=[bloc_year_id]),
            )
        )
    for pk, bloc_year_id in Score.objects.filter(
        bloc_year__in=bloc_year_ids, board=user.board_id
    ).values_list("pk", "bloc_year_id"):
        links[bloc_year_id].append((_("Score"), reverse("scoring:score", args=[pk])))
    for pk, bloc_year_id, title in (
        VotingRound.objects.filter(bloc_year__in=bloc_year_ids)
        .exclude(status=VotingRound.Status.DRAFT)
        .values_list("pk", "bloc_year_id", "title")
    ):
        links[bloc_year_id].append((title, reverse("scoring:round", args=[pk])))
    return links
