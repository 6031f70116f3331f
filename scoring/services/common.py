"""Shared by the scoring services: who may run the bloc's scoring."""

from django.core.exceptions import PermissionDenied

from blocs.models import BlocYear, User
from scoring.permissions import can_run_scoring


def _require(actor: User | None, bloc_year: BlocYear) -> None:
    if actor is not None and not can_run_scoring(actor, bloc_year):
        raise PermissionDenied
