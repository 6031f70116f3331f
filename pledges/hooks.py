"""Hooks through which higher apps react to the reporting cycle without
pledges importing them (scoring recomputes scores when figures change)."""

from collections.abc import Callable

# Called, inside the same transaction, with a submission whose approved
# figures changed: approved, or reopened after approval.
SUBMISSION_FIGURES_CHANGED: list[Callable] = []


def figures_changed(submission) -> None:
    for callback in SUBMISSION_FIGURES_CHANGED:
        callback(submission)
