import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import ScopedAdmin, year_plain
from blocs.models import AuditEvent
from blocs.permissions import bloc_years_visible_to, is_secretariat
from blocs.templatetags.vn import num
from pledges import permissions, selectors, services
from pledges.models import (
    Commitment,
    Indicator,
    Pledge,
    ReportingYear,
    Signature,
    Submission,
    ValidationRule,
    Value,
)


def _report(modeladmin, request, done: int, message: str):
    """``message`` comes from an ngettext call at the caller, where
    makemessages can see its literal strings."""
    if done:
        modeladmin.message_user(request, message % {"count": done})


def _run_each(modeladmin, request, objects, call) -> int:
    """Call a service per object; show its refusal as an error, go on."""
    done = 0
    for obj in objects:
        try:
            call(obj)
        except (ValidationError, PermissionDenied) as error:
            text = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else _("%(obj)s: you may not do this.") % {"obj": obj}
            )
            modeladmin.message_user(request, text, messages.ERROR)
        else:
            done += 1
    return done


class YearScopedAdmin(ScopedAdmin):
    """Rows that belong to one bloc-year: editable by that year's secretariat
    while the year is open."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bloc_year":
            kwargs["queryset"] = bloc_years_visible_to(request.user).select_related(
                "bloc"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_manage_year(request.user, obj.bloc_year)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_manage_year(request.user, obj.bloc_year)


@admin.register(Indicator)
class IndicatorAdmin(YearScopedAdmin):
    scope = staticmethod(permissions.indicators_visible_to)
    list_display = [
        "code",
        "name",
        "unit",
        "kind",
        "has_plan",
        "aggregation",
        "group",
        "order",
        "bloc_year",
    ]
    list_filter = [("bloc_year", admin.RelatedOnlyFieldListFilter), "group", "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["bloc_year__bloc"]
    ordering = ["bloc_year", "order", "code"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(YearScopedAdmin):
    scope = staticmethod(permissions.rules_visible_to)
    list_display = [
        "name",
        "severity",
        "kind",
        "left",
        "operator",
        "right",
        "threshold",
        "active",
        "bloc_year",
    ]
    list_filter = [
        ("bloc_year", admin.RelatedOnlyFieldListFilter),
        "severity",
        "kind",
        "active",
    ]
    search_fields = ["name", "left", "right"]
    list_select_related = ["bloc_year__bloc"]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ["number", "text"]

    def _open(self, request, obj):
        return obj is None or (
            obj.status != Pledge.Status.CLOSED
            and permissions.can_manage_year(request.user, obj.bloc_year)
        )

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._open(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._open(request, obj)


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    fields = ["board", "signed_by", "signed_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("board", "signed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(YearScopedAdmin):
    scope = staticmethod(permissions.pledges_visible_to)
    list_display = ["title", "bloc_year", "status", "signing_date", "signature_count"]
    list_filter = ["status", ("bloc_year", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "bloc_year__bloc__name"]
    list_select_related = ["bloc_year__bloc"]
    readonly_fields = ["status"]
    fields = ["bloc_year", "title", "status", "signing_date", "signing_place"]
    inlines = [CommitmentInline, SignatureInline]
    actions = ["open_signing", "close_signing"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(signature_count=Count("signatures"))
        )

    @admin.display(description=_("signatures"), ordering="signature_count")
    def signature_count(self, obj):
        return obj.signature_count

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Pledge.Status.CLOSED:
            return self.fields
        return ["status", "bloc_year"] if obj is not None else ["status"]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status != Pledge.Status.CLOSED)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (
            obj is None or not obj.signatures.exists()
        )

    def has_manage_permission(self, request):
        return request.user.is_superuser or is_secretariat(request.user)

    @admin.action(description=_("Open for signing"), permissions=["manage"])
    def open_signing(self, request, queryset):
        done = _run_each(
            self,
            request,
            queryset,
            lambda p: services.pledge_open(pledge=p, actor=request.user),
        )
        _report(
            self,
            request,
            done,
            ngettext("%(count)d pledge opened.", "%(count)d pledges opened.", done),
        )

    @admin.action(description=_("Close signing"), permissions=["manage"])
    def close_signing(self, request, queryset):
        done = _run_each(
            self,
            request,
            queryset,
            lambda p: services.pledge_close(pledge=p, actor=request.user),
        )
        _report(
            self,
            request,
            done,
            ngettext("%(count)d pledge closed.", "%(count)d pledges closed.", done),
        )


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    fields = ["indicator", "plan", "actual", "percent", "text", "note", "flagged"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")

    @admin.display(description=_("Share of plan"))
    def percent(self, obj):
        percent = selectors.calc.percent_of_plan(obj.actual, obj.plan)
        return "—" if percent is None else f"{num(percent, 2)}%"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The board sees this reason at the top of its form."),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators to check"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ReopenForm(forms.Form):
    until = forms.DateField(label=_("Reopened until"))
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )


@admin.register(Submission)
class SubmissionAdmin(ScopedAdmin):
    scope = staticmethod(permissions.submissions_visible_to)
    list_display = [
        "board",
        "bloc_year",
        "status",
        "award_target",
        "registered_at",
        "submitted_at",
        "reviewed_at",
        "reopened_until",
    ]
    list_filter = [
        "status",
        ("bloc_year", admin.RelatedOnlyFieldListFilter),
        "award_target",
    ]
    search_fields = ["board__name", "board__short_name", "bloc_year__bloc__name"]
    list_select_related = ["board", "bloc_year__bloc"]
    readonly_fields = [
        "bloc_year",
        "board",
        "status",
        "award_target",
        "registered_at",
        "registered_by",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "return_reason",
        "reopened_until",
        "version",
    ]
    fields = readonly_fields
    inlines = [ValueInline]
    actions = ["approve", "return_for_correction", "reopen"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _reviewable(self, request, queryset):
        allowed = [
            s for s in queryset if permissions.can_review_submission(request.user, s)
        ]
        if len(allowed) < len(queryset):
            self.message_user(
                request,
                _("Some selected reports are outside your bloc or in a closed year."),
                messages.ERROR,
            )
        return allowed

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        done = _run_each(
            self,
            request,
            self._reviewable(request, queryset.select_related("bloc_year", "board")),
            lambda s: services.submission_approve(submission=s, actor=request.user),
        )
        _report(
            self,
            request,
            done,
            ngettext("%(count)d report approved.", "%(count)d reports approved.", done),
        )

    def _intermediate(self, request, queryset, form, title, action):
        return TemplateResponse(
            request,
            "admin/pledges/submission/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": action,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Return for correction…"), permissions=["change"])
    def return_for_correction(self, request, queryset):
        queryset = queryset.select_related("bloc_year", "board")
        year_ids = {s.bloc_year_id for s in queryset}
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        form.fields["indicators"].queryset = Indicator.objects.filter(
            bloc_year__in=year_ids
        ).order_by("order")
        if "apply" in request.POST and form.is_valid():
            ids = [i.pk for i in form.cleaned_data["indicators"]]
            done = _run_each(
                self,
                request,
                self._reviewable(request, queryset),
                lambda s: services.submission_return(
                    submission=s,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    indicator_ids=ids,
                ),
            )
            _report(
                self,
                request,
                done,
                ngettext(
                    "%(count)d report returned.", "%(count)d reports returned.", done
                ),
            )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            _("Return reports for correction"),
            "return_for_correction",
        )

    @admin.action(description=_("Reopen for the board…"), permissions=["change"])
    def reopen(self, request, queryset):
        queryset = queryset.select_related("bloc_year", "board")
        form = ReopenForm(
            request.POST if "apply" in request.POST else None,
            initial={"until": timezone.localdate() + dt.timedelta(days=7)},
        )
        if "apply" in request.POST and form.is_valid():
            done = _run_each(
                self,
                request,
                self._reviewable(request, queryset),
                lambda s: services.submission_reopen(
                    submission=s,
                    actor=request.user,
                    until=form.cleaned_data["until"],
                    reason=form.cleaned_data["reason"],
                ),
            )
            _report(
                self,
                request,
                done,
                ngettext(
                    "%(count)d report reopened.", "%(count)d reports reopened.", done
                ),
            )
            return None
        return self._intermediate(
            request, queryset, form, _("Reopen reports"), "reopen"
        )

    def history_view(self, request, object_id, extra_context=None):
        """Every audited change of the report: who, when, old and new values."""
        submission = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, submission):
            raise PermissionDenied
        events = AuditEvent.objects.filter(
            object_type="pledges.submission", object_id=str(submission.pk)
        ).select_related("actor")
        return TemplateResponse(
            request,
            "admin/pledges/submission/audit_history.html",
            {
                **self.admin_site.each_context(request),
                "title": _("History of %(obj)s") % {"obj": submission},
                "object": submission,
                "events": events,
                "opts": self.model._meta,
            },
        )


@admin.register(ReportingYear)
class ReportingYearAdmin(ScopedAdmin):
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
    actions = ["copy_catalogue", "prepare_reports", "create_pledge"]

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
        done = _run_each(self, request, queryset, call)
        _report(self, request, done, message(done))

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
            *super().get_urls(),
        ]

    def _year(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

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
        return TemplateResponse(
            request,
            "admin/pledges/reportingyear/totals.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Bloc totals %(year)s") % {"year": year},
                "year": year,
                "rows": selectors.bloc_totals(year, approved_only=approved_only),
                "approved_only": approved_only,
                "opts": self.model._meta,
            },
        )


from pledges import admin_values  # noqa: E402, F401
