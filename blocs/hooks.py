"""Hooks through which higher apps add to the foundation's pages without the
foundation importing them (see README, "Layout")."""

from collections import defaultdict
from collections.abc import Callable

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
