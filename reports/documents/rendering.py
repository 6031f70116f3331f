"""A document's context, then its PDF (or HTML preview), in Vietnamese."""

from collections.abc import Callable

from django.utils import translation

from blocs.models import BlocYear
from reports import pdf
from reports.documents.minutes import build_minutes
from reports.documents.nomination import build_nomination
from reports.documents.pledge import build_pledge
from reports.documents.summary import build_summary

DOCUMENTS: dict[str, tuple[str, Callable[[BlocYear], dict]]] = {
    "pledge": ("reports/pdf/pledge.html", build_pledge),
    "summary": ("reports/pdf/summary.html", build_summary),
    "minutes": ("reports/pdf/minutes.html", build_minutes),
    "nomination": ("reports/pdf/nomination.html", build_nomination),
}


def context(
    kind: str,
    bloc_year: BlocYear,
    *,
    draft: bool,
    publication=None,
    qr_svg: str = "",
    verify_url: str = "",
    issue_day=None,
) -> dict:
    """``issue_day`` dates a publication whose document has no date of its
    own (no conference or signing date recorded)."""
    _template, build = DOCUMENTS[kind]
    with translation.override("vi"):
        ctx = build(bloc_year, issue_day=issue_day)
    ctx["draft"] = draft
    if publication is not None:
        ctx |= {
            "publication_code": publication.code,
            "publication_version": publication.version,
            "verify_url": verify_url,
            "qr_svg": qr_svg,
        }
    return ctx


def render(kind: str, bloc_year: BlocYear, *, draft: bool, publication=None, **extra):
    """The document as PDF bytes; ``extra`` takes ``qr_svg``, ``verify_url``
    and ``issue_day``."""
    ctx = context(kind, bloc_year, draft=draft, publication=publication, **extra)
    return render_context(kind, ctx)


def render_context(kind: str, ctx: dict) -> bytes:
    """A context already built (the publishing service checks it first)."""
    with translation.override("vi"):
        return pdf.render_pdf(DOCUMENTS[kind][0], ctx)


def render_preview(kind: str, bloc_year: BlocYear) -> str:
    """The draft as HTML, for a quick look in the browser."""
    ctx = context(kind, bloc_year, draft=True)
    with translation.override("vi"):
        return pdf.render_html(DOCUMENTS[kind][0], ctx)
