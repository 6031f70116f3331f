import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from blocs.awards import AWARDS
from blocs.permissions import bloc_years_visible_to, sees_everything
from reports import cache as page_cache
from reports import charts, documents, selectors, services, signing
from reports.forms import CHART_INDICATORS, CompareFilterForm, OverviewFilterForm
from reports.models import Publication
from reports.permissions import can_publish, publications_visible_to

MAX_VERIFY_BYTES = 20 * 1024 * 1024


logger = logging.getLogger("portal.reports")


def _kind(kind: str) -> str:
    if kind not in Publication.Kind.values:
        raise Http404
    return kind


def _year(request, pk):
    return get_object_or_404(
        bloc_years_visible_to(request.user).select_related("bloc"), pk=pk
    )


@require_safe
@login_required
def year_documents(request, pk):
    """The year's documents: published versions for every reader; drafts,
    previews and publishing for the year's secretariat."""
    bloc_year = _year(request, pk)
    published = list(
        publications_visible_to(request.user)
        .filter(bloc_year=bloc_year)
        .select_related("published_by")
        .order_by("kind", "-version")
    )
    kinds = [
        (kind, label, [p for p in published if p.kind == kind])
        for kind, label in Publication.Kind.choices
    ]
    return render(
        request,
        "reports/publication_list.html",
        {
            "bloc_year": bloc_year,
            "kinds": kinds,
            "can_publish": can_publish(request.user, bloc_year),
            "charts": documents.board_charts(bloc_year),
        },
    )


@require_POST
@login_required
def publish(request, pk, kind):
    """Publish a new version, once the secretariat has confirmed on the
    page this POST shows first (a published version is final)."""
    bloc_year = _year(request, pk)
    kind = _kind(kind)
    if request.POST.get("confirmed") != "yes":
        if not can_publish(request.user, bloc_year):
            raise PermissionDenied
        return render(
            request,
            "reports/publish_confirm.html",
            {
                "bloc_year": bloc_year,
                "kind": kind,
                "label": Publication.Kind(kind).label,
            },
        )
    try:
        publication = services.document_publish(
            bloc_year=bloc_year, kind=kind, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:year_documents", pk=bloc_year.pk)
    except OSError:
        # The archive could not take the file (a full disk, an unreachable
        # bucket): nothing was published, the service left no trace.
        logger.exception("publishing failed: the archive refused the file")
        messages.error(
            request,
            _(
                "The archive could not store the document, so nothing was "
                "published. Try again later or tell the administrator."
            ),
        )
        return redirect("reports:year_documents", pk=bloc_year.pk)
    messages.success(
        request,
        _("Published %(doc)s, version %(version)s, code %(code)s.")
        % {
            "doc": publication.get_kind_display(),
            "version": publication.version,
            "code": publication.code,
        },
    )
    return redirect("reports:year_documents", pk=bloc_year.pk)


@require_safe
@login_required
def draft(request, pk, kind):
    bloc_year = _year(request, pk)
    content = services.document_draft(
        bloc_year=bloc_year, kind=_kind(kind), actor=request.user
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="du-thao-{kind}-{bloc_year.year}.pdf"'
    )
    return response


@require_safe
@login_required
@xframe_options_sameorigin
def preview(request, pk, kind):
    """The draft as HTML; the sections editor in the admin shows it in a
    frame beside the text being written (same origin only)."""
    bloc_year = _year(request, pk)
    if not can_publish(request.user, bloc_year):
        raise PermissionDenied
    response = HttpResponse(documents.render_preview(_kind(kind), bloc_year))
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    directives["style-src"] = ["'self'", "'unsafe-inline'"]
    directives["frame-ancestors"] = ["'self'"]
    response["Content-Security-Policy"] = "; ".join(
        " ".join([name, *sources]) for name, sources in directives.items()
    )
    return response


@require_safe
@login_required
def download(request, pk):
    publication = get_object_or_404(publications_visible_to(request.user), pk=pk)
    return FileResponse(
        publication.file.open("rb"),
        as_attachment=True,
        filename=publication.file.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"), required=False, max_length=20
    )
    file = forms.FileField(label=gettext_lazy("Or the PDF file"), required=False)


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """Public: does a code or a PDF match the archive, and which version?"""
    form = VerifyForm(request.POST or request.GET or None, request.FILES or None)
    result = checked = None
    signatures = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data.get("file")
        code = form.cleaned_data.get("code") or ""
        if upload is not None:
            if upload.size > MAX_VERIFY_BYTES:
                form.add_error("file", _("The file is too large to be one of ours."))
            else:
                checked = "file"
                content = upload.read()
                result = services.publication_find(content=content)
                signatures = signing.signatures_of(content)
        elif code:
            checked = "code"
            result = services.publication_find(code=code)
            if result is not None and result.signer:
                with result.file.open("rb") as archived:
                    signatures = signing.signatures_of(archived.read())
    return render(
        request,
        "reports/verify.html",
        {
            "form": form,
            "result": result,
            "checked": checked,
            "signatures": signatures,
        },
    )


# The ministry's pages ---------------------------------------------------------------


def _filters(request, form_class) -> dict[str, str]:
    """The filters as typed (the form's fields only): part of the cache key."""
    return {name: request.GET.get(name, "") for name in form_class.base_fields}


@require_safe
@login_required
def overview(request):
    """Every bloc and year the user may read, with status, leaders and the
    latest published documents; filters; a chart of totals over the years.
    The page's body is cached per scope, filters and language in two parts
    (``reports.cache``): the filters and the list of blocs under the data
    version that leaves out a report's routine writes (a board's save or
    submission changes none of it), and the chart under every write's (it
    sums drafts' figures in years with no approved report). Three queries
    when both are kept; after a board's save, the chart's own and storing
    it."""
    user = request.user
    params = _filters(request, OverviewFilterForm)
    every, setup = page_cache.versions()

    def form_of(choices: dict):
        return OverviewFilterForm(request.GET, **choices)

    def build_listing(_earlier):
        years, regions = selectors.filter_choices(user=user)
        choices = {
            "years": years,
            "regions": regions,
            "boards": selectors.board_choices(user=user),
        }
        form = form_of(choices)
        context = {
            "form": form,
            "blocs": selectors.bloc_years_list_for_overview(
                user=user,
                year=form.value("year"),
                region=form.value("region", ""),
                status=form.value("status", ""),
            ),
            "cross_bloc": sees_everything(user),
        }
        listing = {
            # What the chart's filters are checked against, kept with them.
            "choices": choices,
            "top": render_to_string("reports/includes/_overview_top.html", context),
            "list": render_to_string("reports/includes/_overview_list.html", context),
        }
        return listing, not form.errors, context

    def build_chart(earlier):
        ((listing, listing_context),) = earlier
        form = listing_context.get("form") or form_of(listing["choices"])
        code = form.value("indicator", CHART_INDICATORS[0][0])
        board = form.value("board")
        if board:
            chart_years, series = selectors.board_totals_over_years(
                user=user, code=code, board_id=board
            )
        else:
            chart_years, series = selectors.totals_over_years(
                user=user, code=code, region=form.value("region", "")
            )
        context = {
            "form": form,
            "chart_label": dict(CHART_INDICATORS)[code],
            "chart_svg": charts.years_chart_svg(chart_years, series),
            "chart_board": bool(board),
        }
        html = render_to_string("reports/includes/_overview_chart.html", context)
        return html, not form.errors, context

    (listing, listing_context), (chart, chart_context) = page_cache.fragments(
        [
            ("overview-list", setup, build_listing),
            ("overview-chart", every, build_chart),
        ],
        user=user,
        params=params,
    )
    body = listing["top"] + chart + listing["list"]
    return render(
        request,
        "reports/ministry_overview.html",
        # Rendered by us, escaped there.
        {**listing_context, **chart_context, "body": mark_safe(body)},  # noqa: S308
    )


@require_safe
@login_required
def compare(request):
    """Blocs side by side for one year: cross-bloc figures, so the ministry's
    (and superusers') only. Cached as the overview is."""
    if not sees_everything(request.user):
        raise PermissionDenied

    def build():
        years, regions = selectors.filter_choices(user=request.user)
        form = CompareFilterForm(request.GET, years=years, regions=regions)
        year = form.value("year") or selectors.default_comparison_year(
            user=request.user
        )
        region = form.value("region", "")
        columns, rows = [], []
        if year is not None:
            columns, rows = selectors.bloc_comparison(
                user=request.user,
                year=year,
                region=region,
                main_codes=documents.MAIN_CODES,
                fallback=documents.FALLBACK_COUNT,
                award_kinds=documents.AWARD_KINDS,
            )
        charts_svg = [
            (
                column,
                charts.bar_chart_svg(
                    [(r.bloc_year.bloc.short_name, r.totals[n].percent) for r in rows]
                ),
            )
            for n, column in enumerate(columns)
            if any(r.totals[n].percent is not None for r in rows)
        ]
        context = {
            "form": form,
            "year": year,
            "region": region,
            "columns": columns,
            "awards": AWARDS,
            "rows": rows,
            "charts": charts_svg,
        }
        html = render_to_string("reports/includes/_compare_body.html", context)
        return html, not form.errors, context

    body, context = page_cache.fragment(
        "compare",
        user=request.user,
        params=_filters(request, CompareFilterForm),
        build=build,
    )
    return render(
        request,
        "reports/ministry_compare.html",
        {**context, "body": mark_safe(body)},  # noqa: S308 (rendered by us, escaped)
    )
