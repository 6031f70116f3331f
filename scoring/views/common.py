"""Shared by the scoring pages."""

from decimal import Decimal

from django.shortcuts import get_object_or_404

from blocs.models import BlocYear
from blocs.permissions import bloc_years_visible_to


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _bloc_year_get_for_user(*, user, pk: int) -> BlocYear:
    return get_object_or_404(bloc_years_visible_to(user).select_related("bloc"), pk=pk)
