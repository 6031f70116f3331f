"""The year cockpit: one bloc-year's stage line, checklist per stage, deadlines
and next step, gathered from what each app registers in ``blocs.hooks``.

Each part runs a fixed number of queries, whatever the number of boards, so
the whole page does too (tests/blocs/test_cockpit.py counts them).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs import hooks, services
from blocs.models import BlocYear, Membership

STAGES = list(BlocYear.Status)


def membership_items(bloc_year: BlocYear) -> list[hooks.CockpitItem]:
    """Members, head and deputy: the foundation's own lines (one query)."""
    counts = Membership.objects.filter(bloc_year=bloc_year).aggregate(
        members=Count("pk"),
        heads=Count("pk", filter=Q(role=Membership.Role.HEAD)),
        deputies=Count("pk", filter=Q(role=Membership.Role.DEPUTY)),
    )
    url = reverse("admin:blocs_blocyear_change", args=[bloc_year.pk])
    setup = BlocYear.Status.SETUP
    return [
        hooks.CockpitItem(
            setup,
            _("Member boards"),
            counts["members"],
            None,
            counts["members"] > 0,
            url,
        ),
        hooks.CockpitItem(
            setup, _("Head of the bloc"), counts["heads"], 1, counts["heads"] == 1, url
        ),
        hooks.CockpitItem(
            setup,
            _("Deputy head of the bloc"),
            counts["deputies"],
            1,
            counts["deputies"] == 1,
            url,
        ),
    ]


def membership_missing(bloc_year: BlocYear, stage: str) -> list[str]:
    if stage != BlocYear.Status.SETUP:
        return []
    return [
        _("%(item)s: %(done)s of %(total)s.")
        % {"item": item.label, "done": item.done, "total": item.total or "≥ 1"}
        for item in membership_items(bloc_year)
        if not item.ok
    ]


def advance_action(bloc_year: BlocYear) -> hooks.NextAction | None:
    """Moving to the next stage, offered when no other step is."""
    new = services.ALLOWED_TRANSITIONS.get(bloc_year.status)
    if new is None:
        return None
    return hooks.NextAction(
        key="advance",
        label=_("Move the year to the stage “%(stage)s”")
        % {"stage": BlocYear.Status(new).label},
        perform=lambda year, actor, reason="": services.bloc_year_advance(
            bloc_year=year, actor=actor, override_reason=reason
        ),
        explanation=_(
            "The year leaves the stage “%(old)s”: what belongs to it is then "
            "considered done."
        )
        % {"old": bloc_year.get_status_display()},
    )


def next_action(bloc_year: BlocYear) -> hooks.NextAction | None:
    """The one step the cockpit's button offers: the first action the apps
    offer for the year as it is now (a closed year's documents too), else
    the move to the next stage."""
    for source in hooks.NEXT_ACTIONS:
        actions = source(bloc_year)
        if actions:
            return actions[0]
    return advance_action(bloc_year)


@dataclass
class Stage:
    value: str
    label: str
    state: str  # "done", "current" or "todo"
    items: list = field(default_factory=list)


@dataclass
class Deadline:
    label: str
    day: dt.date
    days_left: int

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def deadlines(bloc_year: BlocYear, today: dt.date) -> list[Deadline]:
    named = [
        (_("Registration of targets"), bloc_year.registration_deadline),
        (_("Submission of results"), bloc_year.reporting_deadline),
        (_("Year-end conference"), bloc_year.conference_date),
    ]
    return [Deadline(label, day, (day - today).days) for label, day in named if day]


def cockpit(bloc_year: BlocYear) -> dict:
    """Everything the cockpit page shows, as plain data."""
    current = STAGES.index(BlocYear.Status(bloc_year.status))
    stages = [
        Stage(
            s.value,
            s.label,
            "done" if i < current else "current" if i == current else "todo",
        )
        for i, s in enumerate(STAGES)
    ]
    by_value = {s.value: s for s in stages}
    for source in hooks.COCKPIT_ITEMS:
        for item in source(bloc_year):
            by_value[item.stage].items.append(item)
    closed = bloc_year.status == BlocYear.Status.CLOSED
    return {
        "stages": stages,
        "missing": [] if closed else hooks.stage_missing(bloc_year, bloc_year.status),
        "deadlines": deadlines(bloc_year, timezone.localdate()),
        "sections": [
            section
            for source in hooks.COCKPIT_SECTIONS
            if (section := source(bloc_year)) is not None
        ],
        "next_action": next_action(bloc_year),
    }
