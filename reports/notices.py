"""Published documents, told to the ministry users who subscribe to the bloc
(registered in ReportsConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blocs.notifications.kinds import Kind, register
from blocs.notifications.services import notify, subscribers_of

DOCUMENT_PUBLISHED = "document_published"


def register_kinds() -> None:
    register(
        Kind(
            DOCUMENT_PUBLISHED,
            _("Document published"),
            _("%(bloc)s %(year)s: %(document)s published"),
            _(
                "%(bloc)s published version %(version)s of its %(year)s document "
                '"%(document)s".'
            ),
        )
    )


def document_published(publication) -> None:
    bloc_year = publication.bloc_year
    notify(
        users=subscribers_of(bloc_year.bloc_id),
        kind=DOCUMENT_PUBLISHED,
        context={
            "bloc": bloc_year.bloc.short_name,
            "year": str(bloc_year.year),
            "document": str(publication.get_kind_display()),
            "version": str(publication.version),
        },
        link=reverse("reports:year_documents", args=[bloc_year.pk]),
    )
