"""What the reporting cycle tells people, and who: the notice kinds of the
pledges app, the recipients of each event, and its deadline reminders
(registered in PledgesConfig.ready)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.hooks import Reminder, reminder_window
from blocs.models import BlocYear, User
from blocs.notifications.kinds import Kind, register
from blocs.notifications.services import notify, reminders_send_now
from pledges.models import Pledge, Submission
from pledges.permissions import can_manage_year

SIGNING_OPENED = "signing_opened"
REPORT_RETURNED = "report_returned"
REPORT_APPROVED = "report_approved"
REPORT_REOPENED = "report_reopened"
TARGETS_DUE = "targets_due"
REPORT_DUE = "report_due"


def register_kinds() -> None:
    register(
        Kind(
            SIGNING_OPENED,
            _("Pledge open for signing"),
            _("%(bloc)s %(year)s: the pledge is open for signing"),
            _(
                "The secretariat opened the pledge of %(bloc)s for %(year)s. "
                "Your board can sign it in the portal."
            ),
        ),
        Kind(
            REPORT_RETURNED,
            _("Report returned"),
            _("%(year)s: your board's report was returned for correction"),
            _(
                "The secretariat returned the %(year)s report of %(board)s.\n"
                "Reason: %(reason)s\nIndicators to check: %(flagged)s"
            ),
            essential=True,
        ),
        Kind(
            REPORT_APPROVED,
            _("Report approved"),
            _("%(year)s: your board's report was approved"),
            _("The secretariat approved the %(year)s report of %(board)s."),
        ),
        Kind(
            REPORT_REOPENED,
            _("Report reopened"),
            _("%(year)s: your board's report is reopened until %(until)s"),
            _(
                "The secretariat reopened the %(year)s report of %(board)s until "
                "%(until)s.\nReason: %(reason)s"
            ),
            essential=True,
        ),
        Kind(
            TARGETS_DUE,
            _("Targets due"),
            _("%(bloc)s %(year)s: register your targets by %(deadline)s"),
            _(
                "%(board)s has not registered its targets for %(year)s yet. The "
                "registration deadline is %(deadline)s (%(days)s days left)."
            ),
            essential=True,
        ),
        Kind(
            REPORT_DUE,
            _("Report due"),
            _("%(bloc)s %(year)s: submit your report by %(deadline)s"),
            _(
                "%(board)s has not submitted its %(year)s report yet. The reporting "
                "deadline is %(deadline)s (%(days)s days left)."
            ),
            essential=True,
        ),
    )


def officers_of(board_ids) -> dict[int, list[User]]:
    """Active board officers by board, in one query."""
    found: dict[int, list[User]] = {}
    for user in User.objects.filter(
        role=User.Role.BOARD_OFFICER, board__in=board_ids, is_active=True
    ):
        found.setdefault(user.board_id, []).append(user)
    return found


def _about(sub: Submission) -> dict:
    return {"board": sub.board.short_name, "year": str(sub.bloc_year.year)}


def _link(sub: Submission) -> str:
    return reverse("pledges:submission", args=[sub.pk])


def submission_reviewed(sub: Submission, kind: str, **context) -> None:
    """Tell the submission's own board, and nobody else: the reason of a
    return is the board's business (and the secretariat's, who wrote it)."""
    notify(
        users=officers_of([sub.board_id]).get(sub.board_id, []),
        kind=kind,
        context=_about(sub) | context,
        link=_link(sub),
    )


def signing_opened(pledge: Pledge) -> None:
    bloc_year = pledge.bloc_year
    boards = bloc_year.memberships.values("board")
    notify(
        users=User.objects.filter(
            role=User.Role.BOARD_OFFICER, board__in=boards, is_active=True
        ),
        kind=SIGNING_OPENED,
        context={"bloc": bloc_year.bloc.short_name, "year": str(bloc_year.year)},
        link=reverse("pledges:pledge", args=[pledge.pk]),
    )


def _not_acted(bloc_year_ids, kind: str):
    """Submissions of boards that have not done what the deadline asks."""
    subs = Submission.objects.filter(bloc_year__in=bloc_year_ids)
    if kind == TARGETS_DUE:
        return subs.filter(registered_at__isnull=True)
    return subs.filter(status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED])


def _due_reminders(
    bloc_years: list[BlocYear], *, today: dt.date, only_window: bool
) -> list[Reminder]:
    """Reminders for boards that have not registered or submitted, per open
    year whose deadline is near (within 7 days unless ``only_window`` is off:
    then whenever the deadline is today or later)."""
    wanted: dict[tuple[int, str], tuple[dt.date, int | None]] = {}
    for by in bloc_years:
        for kind, deadline in (
            (TARGETS_DUE, by.registration_deadline),
            (REPORT_DUE, by.reporting_deadline),
        ):
            if deadline is None or deadline < today:
                continue
            window = reminder_window((deadline - today).days)
            if window is None and only_window:
                continue
            wanted[(by.pk, kind)] = (deadline, window)
    if not wanted:
        return []
    by_pk = {by.pk: by for by in bloc_years}
    subs = []
    for kind in (TARGETS_DUE, REPORT_DUE):
        ids = [pk for (pk, k) in wanted if k == kind]
        if ids:
            subs += [
                (kind, s)
                for s in _not_acted(ids, kind).select_related("board").order_by("pk")
            ]
    officers = officers_of({s.board_id for _, s in subs})
    reminders = []
    for kind, sub in subs:
        deadline, window = wanted[(sub.bloc_year_id, kind)]
        by = by_pk[sub.bloc_year_id]
        reminders.append(
            Reminder(
                key=f"{kind}:{sub.pk}:{deadline.isoformat()}:{window}",
                users=officers.get(sub.board_id, []),
                kind=kind,
                context={
                    "bloc": by.bloc.short_name,
                    "year": str(by.year),
                    "board": sub.board.short_name,
                    "deadline": deadline.isoformat(),
                    "days": str((deadline - today).days),
                },
                link=reverse("pledges:submission", args=[sub.pk]),
            )
        )
    return reminders


def reminders_due(now: dt.datetime) -> list[Reminder]:
    """The REMINDER_SOURCES entry: deadlines 7, 3 and 1 days ahead."""
    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=7)
    bloc_years = list(
        BlocYear.objects.exclude(status=BlocYear.Status.CLOSED)
        .filter(
            Q(registration_deadline__range=(today, horizon))
            | Q(reporting_deadline__range=(today, horizon))
        )
        .select_related("bloc")
    )
    return _due_reminders(bloc_years, today=today, only_window=True)


def reminders_for_year(bloc_year: BlocYear) -> list[Reminder]:
    """The secretariat's "remind those who have not…": every board of the
    year that has not registered or submitted before a deadline still ahead."""
    return _due_reminders([bloc_year], today=timezone.localdate(), only_window=False)


def boards_remind(*, bloc_year: BlocYear, actor: User) -> tuple[int, int]:
    """Remind now every board of the year that has not registered or
    submitted before a deadline still ahead. Returns (boards, people)."""
    if not can_manage_year(actor, bloc_year):
        raise PermissionDenied
    reminders = reminders_for_year(bloc_year)
    people = reminders_send_now(reminders=reminders, actor=actor)
    boards = len({r.context["board"] for r in reminders if r.users})
    return boards, people
