from django.urls import reverse
from django.utils.translation import gettext as _

from reports.models import Publication


def board_year_links(
    user, bloc_year_ids: list[int]
) -> dict[int, list[tuple[str, str]]]:
    """A blocs hook: the year's documents page, for years with a publication."""
    years = set(
        Publication.objects.filter(bloc_year__in=bloc_year_ids).values_list(
            "bloc_year_id", flat=True
        )
    )
    return {
        y: [(_("Documents"), reverse("reports:year_documents", args=[y]))]
        for y in years
    }
