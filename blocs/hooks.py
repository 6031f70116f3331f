"""Hooks through which higher apps add to the foundation's pages without the
foundation importing them (see README, "Layout")."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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
