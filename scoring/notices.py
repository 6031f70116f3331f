"""What voting tells people, and who: a round opened, a round closing soon
(boards that have not voted), results published (registered in ScoringConfig.ready)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from blocs.hooks import Reminder
from blocs.models import Membership, User
from blocs.notifications.kinds import Kind, register
from blocs.notifications.services import notify, reminders_send_now
from scoring.models import BallotCast, VotingRound
from scoring.permissions import can_run_scoring

ROUND_OPENED = "round_opened"
ROUND_CLOSING = "round_closing"
RESULTS_PUBLISHED = "results_published"


def register_kinds() -> None:
    register(
        Kind(
            ROUND_OPENED,
            _("Voting round opened"),
            _("%(bloc)s %(year)s: voting is open: %(round)s"),
            _(
                'The secretariat opened the round "%(round)s" of %(bloc)s for '
                "%(year)s. Your board can vote in the portal."
            ),
        ),
        Kind(
            ROUND_CLOSING,
            _("Voting round closing"),
            _("%(bloc)s %(year)s: vote by %(closes)s: %(round)s"),
            _(
                '%(board)s has not voted yet in the round "%(round)s", which '
                "ends at %(closes)s."
            ),
            essential=True,
        ),
        Kind(
            RESULTS_PUBLISHED,
            _("Results published"),
            _("%(bloc)s %(year)s: results of %(round)s"),
            _(
                'The round "%(round)s" of %(bloc)s for %(year)s is closed and '
                "its results are published in the portal."
            ),
        ),
    )


def _members_officers(bloc_year):
    return User.objects.filter(
        role=User.Role.BOARD_OFFICER,
        board__in=bloc_year.memberships.values("board"),
        is_active=True,
    )


def _context(voting_round: VotingRound) -> dict:
    by = voting_round.bloc_year
    return {
        "bloc": by.bloc.short_name,
        "year": str(by.year),
        "round": voting_round.title,
    }


def round_opened(voting_round: VotingRound) -> None:
    notify(
        users=_members_officers(voting_round.bloc_year),
        kind=ROUND_OPENED,
        context=_context(voting_round),
        link=reverse("scoring:round", args=[voting_round.pk]),
    )


def results_published(voting_round: VotingRound) -> None:
    notify(
        users=_members_officers(voting_round.bloc_year),
        kind=RESULTS_PUBLISHED,
        context=_context(voting_round),
        link=reverse("scoring:round", args=[voting_round.pk]),
    )


def reminders_due(now: dt.datetime) -> list[Reminder]:
    """The REMINDER_SOURCES entry: open online rounds ending within 24 hours,
    each member board that has not voted, once per round."""
    rounds = VotingRound.objects.filter(
        status=VotingRound.Status.OPEN,
        on_paper=False,
        closes_at__gt=now,
        closes_at__lte=now + dt.timedelta(hours=24),
    )
    return _not_voted(list(rounds.select_related("bloc_year__bloc")))


def reminders_for_round(voting_round: VotingRound) -> list[Reminder]:
    """The secretariat's "remind those who have not voted", any time the
    round is open."""
    if voting_round.status != VotingRound.Status.OPEN or voting_round.on_paper:
        return []
    return _not_voted([voting_round])


def _not_voted(rounds: list[VotingRound]) -> list[Reminder]:
    if not rounds:
        return []
    by_ids = {r.bloc_year_id for r in rounds}
    members: dict[int, list] = {}
    for m in Membership.objects.filter(bloc_year__in=by_ids).select_related("board"):
        members.setdefault(m.bloc_year_id, []).append(m.board)
    voted = set(
        BallotCast.objects.filter(round__in=rounds).values_list("round_id", "board_id")
    )
    officers: dict[int, list] = {}
    for user in User.objects.filter(
        role=User.Role.BOARD_OFFICER,
        board__in=[b.pk for boards in members.values() for b in boards],
        is_active=True,
    ):
        officers.setdefault(user.board_id, []).append(user)
    reminders = []
    for r in rounds:
        closes = (
            formats.date_format(
                timezone.localtime(r.closes_at), "SHORT_DATETIME_FORMAT"
            )
            if r.closes_at
            else "—"
        )
        for board in members.get(r.bloc_year_id, []):
            if (r.pk, board.pk) in voted:
                continue
            reminders.append(
                Reminder(
                    key=f"{ROUND_CLOSING}:{r.pk}:{board.pk}",
                    users=officers.get(board.pk, []),
                    kind=ROUND_CLOSING,
                    context=_context(r) | {"board": board.short_name, "closes": closes},
                    link=reverse("scoring:round", args=[r.pk]),
                )
            )
    return reminders


def boards_remind(*, voting_round: VotingRound, actor: User) -> tuple[int, int]:
    """Remind now every member board that has not voted in an open round.
    Returns (boards, people)."""
    if not can_run_scoring(actor, voting_round.bloc_year):
        raise PermissionDenied
    reminders = reminders_for_round(voting_round)
    people = reminders_send_now(reminders=reminders, actor=actor)
    return len([r for r in reminders if r.users]), people
