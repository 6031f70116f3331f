"""Hooks through which higher apps add to the foundation's pages without the
foundation importing them (see README, "Layout")."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Audit actions that change only one report's own rows (the report, its
# figures, its files) and nothing else: higher apps add theirs. Such an event
# is stored as ``routine``, and the pages that show none of those rows (the
# ministry overview's list of blocs, years, leaders and documents) keep their
# cached copy across it (``blocs.selectors.writes_version_sql``).
ROUTINE_ACTIONS: set[str] = set()

# Each provider: (user, [bloc_year ids]) -> {bloc_year id: [(label, url), ...]},
# in a fixed number of queries. The board page shows them per year.
BoardYearLinks = Callable[[object, list[int]], dict[int, list[tuple[str, str]]]]
BOARD_YEAR_LINKS: list[BoardYearLinks] = []


def board_year_links(
    user, bloc_year_ids: list[int]
) -> dict[int, list[tuple[str, str]]]:
    merged: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for provider in BOARD_YEAR_LINKS:
        for bloc_year_id, links in provider(user, bloc_year_ids).items():
            merged[bloc_year_id].extend(links)
    return merged


@dataclass(frozen=True)
class Reminder:
    """One reminder a higher app finds due: ``key`` names what, to whom and
    which window (sent once per key), ``users`` are its recipients."""

    key: str
    users: list
    kind: str
    context: dict
    link: str = ""


# Each source: (now) -> the reminders due at that moment, in a fixed number of
# queries. pledges (deadlines) and scoring (rounds closing) add theirs;
# `manage.py send_reminders` sends what they find, each key once.
ReminderSource = Callable[[dt.datetime], Iterable[Reminder]]
REMINDER_SOURCES: list[ReminderSource] = []

# Reminder windows before a deadline, in days: a board that has not acted is
# reminded once in each window it enters (7, 3 and 1 days before).
REMINDER_DAYS = (7, 3, 1)


def reminder_window(days_left: int) -> int | None:
    """The window a deadline ``days_left`` days away falls in (the smallest of
    REMINDER_DAYS not below it), or None outside every window or after it."""
    if days_left < 0:
        return None
    fitting = [d for d in REMINDER_DAYS if days_left <= d]
    return min(fitting) if fitting else None


# The year cockpit (admin, one page per bloc-year): each higher app says, per
# stage, what it counts, what is still missing before the year may leave a
# stage, and what the secretariat can do next. The foundation shows them
# without knowing pledges, scoring or reports.


@dataclass(frozen=True)
class CockpitItem:
    """One line of a stage's checklist: ``done`` of ``total`` (either may be
    None for a plain fact), ``ok`` when this line needs nothing more."""

    stage: str
    label: str
    done: int | None = None
    total: int | None = None
    ok: bool = True
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class NextAction:
    """A step the cockpit's one button can take: ``label`` says what it will
    do (shown on the button and on its confirmation page); ``perform`` is a
    service call taking (bloc_year, actor); ``blocked``, given the year,
    says what still stops the step (read on the confirmation page only, not
    on the cockpit: it may cost a document's queries)."""

    key: str
    label: str
    perform: Callable[[object, object], object]
    explanation: str = ""
    blocked: Callable[[object], list[str]] | None = None


@dataclass(frozen=True)
class CockpitSection:
    """A block of its own under the checklist (e.g. the bloc's fund)."""

    title: str
    rows: list[tuple[str, str]]
    url: str = ""


# Each source: (bloc_year) -> its checklist items, in a fixed number of
# queries whatever the number of boards.
CockpitSource = Callable[[object], Iterable[CockpitItem]]
COCKPIT_ITEMS: list[CockpitSource] = []

# Each check: (bloc_year, stage) -> what is still missing before the year may
# leave ``stage``, as sentences. An empty list from all of them lets it move.
StageCheck = Callable[[object, str], list[str]]
STAGE_CHECKS: list[StageCheck] = []

# Each provider: (bloc_year) -> the actions it offers now, most urgent first.
# The cockpit's button takes the first one of the first provider that offers
# any; the stage move comes when none is offered.
NextActionSource = Callable[[object], list[NextAction]]
NEXT_ACTIONS: list[NextActionSource] = []

# Each source: (bloc_year) -> a section or None (the fund registers one).
CockpitSectionSource = Callable[[object], "CockpitSection | None"]
COCKPIT_SECTIONS: list[CockpitSectionSource] = []

# Each callback: (bloc_year, old stage, new stage, actor), run inside the
# stage move's transaction before the new stage is saved, so that the work
# follows the stage (closing the year closes the pledge's signing).
StageEntered = Callable[[object, str, str, object], None]
STAGE_ENTERED: list[StageEntered] = []


def stage_missing(bloc_year, stage: str) -> list[str]:
    """Everything the registered checks find missing before leaving ``stage``."""
    missing: list[str] = []
    for check in STAGE_CHECKS:
        missing.extend(check(bloc_year, stage))
    return missing


def register(registry: list, entry) -> None:
    """Add ``entry`` once (ready() may run more than once in tests)."""
    if entry not in registry:
        registry.append(entry)
