"""What the reports app adds to the year cockpit (blocs/hooks.py): the
signers the documents name, the sections the secretariat writes and each
document's published version; once the year is closed, publishing what is
not yet published. Four queries."""

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.hooks import CockpitItem, NextAction
from blocs.models import BlocYear, Membership
from blocs.selectors import board_heads_on
from reports import services
from reports.models import Publication, YearSections


def _published(bloc_year: BlocYear) -> dict[str, int]:
    return dict(
        Publication.objects.filter(bloc_year=bloc_year)
        .values("kind")
        .annotate(v=Max("version"))
        .values_list("kind", "v")
    )


def signers_item(bloc_year: BlocYear) -> CockpitItem:
    """The member boards whose head is recorded on the day the documents
    bear (the conference, else today): every document signs with their
    names and refuses to publish without them, so the secretariat names
    them from here (two queries)."""
    boards = list(
        Membership.objects.filter(bloc_year=bloc_year).values_list(
            "board_id", flat=True
        )
    )
    day = bloc_year.conference_date or timezone.localdate()
    named = len(board_heads_on(board_ids=boards, day=day))
    return CockpitItem(
        BlocYear.Status.SETUP,
        _("Signers named: the heads of the member boards"),
        named,
        len(boards),
        named >= len(boards) > 0,
        reverse("admin:blocs_official_changelist"),
    )


def items(bloc_year: BlocYear) -> list[CockpitItem]:
    published = _published(bloc_year)
    sections = YearSections.objects.filter(bloc_year=bloc_year).first()
    sections_url = (
        reverse("admin:reports_yearsections_change", args=[sections.pk])
        if sections
        else reverse("admin:reports_yearsections_add") + f"?bloc_year={bloc_year.pk}"
    )
    out = [
        signers_item(bloc_year),
        CockpitItem(
            BlocYear.Status.VOTING,
            _("Sections of the summary and minutes written"),
            ok=sections is not None,
            url=sections_url,
            detail=_("written") if sections else _("not yet"),
        ),
    ]
    for kind, label in Publication.Kind.choices:
        version = published.get(kind)
        out.append(
            CockpitItem(
                services.PUBLISH_FROM[kind],
                label,
                ok=version is not None,
                url=reverse("reports:draft", args=[bloc_year.pk, kind]),
                detail=(
                    _("published, version %(version)s") % {"version": version}
                    if version
                    else _("draft only")
                ),
            )
        )
    return out


def next_actions(bloc_year: BlocYear) -> list[NextAction]:
    """Once the year is closed, each document not yet published, in order."""
    if bloc_year.status != BlocYear.Status.CLOSED:
        return []
    published = _published(bloc_year)
    return [
        NextAction(
            f"publish:{kind}",
            _("Publish the %(document)s") % {"document": label.lower()},
            lambda year, actor, kind=kind: services.document_publish(
                bloc_year=year, kind=kind, actor=actor
            ),
            _(
                "The document is rendered, signed and archived with a "
                "verification code; a published version never changes."
            ),
            blocked=lambda year, kind=kind: services.publish_missing(year, kind),
        )
        for kind, label in Publication.Kind.choices
        if kind not in published
    ]
