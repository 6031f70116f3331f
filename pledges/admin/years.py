"""Reporting years: set-up actions, completeness and bloc totals."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import ScopedAdmin, YearAsLabelMixin, year_plain
from blocs.permissions import bloc_years_visible_to, is_secretariat
from pledges import notices, selectors, services
from pledges.admin import paper
from pledges.admin.common import report_done, run_each
from pledges.models import (
    ReportingYear,
)


@admin.register(ReportingYear)
class ReportingYearAdmin(YearAsLabelMixin, ScopedAdmin):
    scope = staticmethod(bloc_years_visible_to)
    list_display = [
        "__str__",
        year_plain,
        "status",
        "reporting_deadline",
        "indicator_count",
        "submitted_count",
        "approved_count",
        "pages",
    ]
    list_filter = ["status", "year"]
    search_fields = ["bloc__name", "bloc__short_name"]
    list_select_related = ["bloc"]
    actions = ["copy_catalogue", "prepare_reports", "create_pledge", "remind_late"]

    def get_queryset(self, request):
        qs = ReportingYear.objects.filter(
            pk__in=bloc_years_visible_to(request.user).values("pk")
        ).select_related("bloc")
        return qs.annotate(
            indicator_count=Count("indicators", distinct=True),
            submitted_count=Count(
                "submissions",
                filter=Q(submissions__status__in=["submitted", "approved"]),
                distinct=True,
            ),
            approved_count=Count(
                "submissions", filter=Q(submissions__status="approved"), distinct=True
            ),
        ).order_by("-year", "bloc__name")

    @admin.display(description=_("indicators"))
    def indicator_count(self, obj):
        return obj.indicator_count

    @admin.display(description=_("submitted"))
    def submitted_count(self, obj):
        return obj.submitted_count

    @admin.display(description=_("approved"))
    def approved_count(self, obj):
        return obj.approved_count

    @admin.display(description=_("pages"))
    def pages(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:pledges_reportingyear_completeness", args=[obj.pk]),
            _("Completeness"),
            reverse("admin:pledges_reportingyear_totals", args=[obj.pk]),
            _("Bloc totals"),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_manage_permission(self, request):
        return request.user.is_superuser or is_secretariat(request.user)

    def _year_action(self, request, queryset, call, message):
        """``message(done)`` returns the ngettext text for ``done`` years."""
        done = run_each(self, request, queryset, call)
        report_done(self, request, done, message(done))

    @admin.action(description=_("Copy the indicator catalogue"), permissions=["manage"])
    def copy_catalogue(self, request, queryset):
        self._year_action(
            request,
            queryset,
            lambda y: services.indicators_copy(bloc_year=y, actor=request.user),
            lambda n: ngettext(
                "%(count)d year has its catalogue.",
                "%(count)d years have their catalogue.",
                n,
            ),
        )

    @admin.action(
        description=_("Open reports for every member"), permissions=["manage"]
    )
    def prepare_reports(self, request, queryset):
        self._year_action(
            request,
            queryset,
            lambda y: services.submissions_prepare(bloc_year=y, actor=request.user),
            lambda n: ngettext(
                "%(count)d year is ready for reporting.",
                "%(count)d years are ready for reporting.",
                n,
            ),
        )

    @admin.action(description=_("Create the pledge"), permissions=["manage"])
    def create_pledge(self, request, queryset):
        self._year_action(
            request,
            queryset,
            lambda y: services.pledge_create(bloc_year=y, actor=request.user),
            lambda n: ngettext(
                "%(count)d pledge created.", "%(count)d pledges created.", n
            ),
        )

    @admin.action(
        description=_("Remind the boards that have not registered or submitted"),
        permissions=["manage"],
    )
    def remind_late(self, request, queryset):
        for year in queryset:
            try:
                boards, people = notices.boards_remind(
                    bloc_year=year, actor=request.user
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(obj)s: you may not do this.") % {"obj": year},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                _(
                    "%(year)s: reminded %(boards)s boards that have not acted "
                    "(%(people)s people)."
                )
                % {"year": year, "boards": boards, "people": people},
                messages.SUCCESS if people else messages.WARNING,
            )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/completeness/",
                wrap(self.completeness_view),
                name="pledges_reportingyear_completeness",
            ),
            path(
                "<int:pk>/totals/",
                wrap(self.totals_view),
                name="pledges_reportingyear_totals",
            ),
            path(
                "<int:pk>/paper/<str:kind>/",
                wrap(self.paper_view),
                name="pledges_reportingyear_paper",
            ),
            *super().get_urls(),
        ]

    def _year(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def paper_view(self, request, pk, kind):
        if kind not in paper.KINDS:
            raise Http404
        return paper.record_view(self, request, self._year(request, pk), kind)

    def completeness_view(self, request, pk):
        year = self._year(request, pk)
        return TemplateResponse(
            request,
            "admin/pledges/reportingyear/completeness.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Completeness %(year)s") % {"year": year},
                "year": year,
                "rows": selectors.completeness_for_year(year),
                "opts": self.model._meta,
            },
        )

    def totals_view(self, request, pk):
        year = self._year(request, pk)
        approved_only = request.GET.get("approved") == "1"
        rows = selectors.bloc_totals(year, approved_only=approved_only)
        return TemplateResponse(
            request,
            "admin/pledges/reportingyear/totals.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Bloc totals %(year)s") % {"year": year},
                "year": year,
                "rows": rows,
                "unusual": any(row.unusual for row in rows),
                "approved_only": approved_only,
                "opts": self.model._meta,
            },
        )
