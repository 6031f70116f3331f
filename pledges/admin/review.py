"""The secretariat's review of submissions: approve, return, reopen, history."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import BlocYearFilter, ScopedAdmin
from blocs.models import AuditEvent
from blocs.templatetags.vn import figure, num
from pledges import permissions, selectors, services
from pledges.admin.common import report_done, run_each
from pledges.models import (
    Indicator,
    Submission,
    Value,
)


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    fields = [
        "indicator",
        "plan_shown",
        "actual_shown",
        "percent",
        "text",
        "note",
        "flagged",
    ]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")

    # The stored Decimal would show its four places ("10,0000"): each figure
    # is written as its indicator's kind writes it.
    @admin.display(description=_("plan (KH)"))
    def plan_shown(self, obj):
        return figure(obj.plan, obj.indicator.kind)

    @admin.display(description=_("actual"))
    def actual_shown(self, obj):
        return figure(obj.actual, obj.indicator.kind)

    @admin.display(description=_("Share of plan"))
    def percent(self, obj):
        percent = selectors.calc.percent_of_plan(obj.actual, obj.plan)
        return "—" if percent is None else f"{num(percent, 2)}%"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IndicatorFiguresField(forms.ModelMultipleChoiceField):
    """An indicator to check, shown as the board reads it: its name, unit and
    the figures the selected reports hold for it (a code alone told the
    secretariat nothing about what it was returning)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.figures: dict[int, list[tuple[str, Value]]] = {}

    def label_from_instance(self, obj):
        rows = self.figures.get(obj.pk, [])
        shown = [_figure_text(value) for _board, value in rows]
        if len(rows) > 1:
            shown = [
                f"{board}: {text}"
                for (board, _v), text in zip(rows, shown, strict=True)
            ]
        unit = "" if obj.unit == Indicator.Unit.NONE else f" ({obj.get_unit_display()})"
        return f"{obj.name}{unit} — {'; '.join(shown) or figure(None)}"


def _figure_text(value: Value) -> str:
    if value.indicator.kind == Indicator.Kind.TEXT:
        return value.text or figure(None)
    if value.indicator.has_plan:
        return _("%(actual)s of a plan of %(plan)s") % {
            "actual": figure(value.actual, value.indicator.kind),
            "plan": figure(value.plan, value.indicator.kind),
        }
    return figure(value.actual, value.indicator.kind)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("The board sees this reason at the top of its form."),
    )
    indicators = IndicatorFiguresField(
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


class ConfirmUnusualForm(forms.Form):
    """One box per unusual figure of the reports being approved: the
    secretariat confirms each (the service refuses a report with one left)."""

    def __init__(self, *args, unusual: list[tuple[Submission, str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for sub, code, text in unusual:
            self.fields[f"confirm_{sub.pk}_{code}"] = forms.BooleanField(
                label=f"{sub.board.short_name} — {text}",
                required=False,
                help_text=_("Confirmed: the figure is right, in the right unit."),
            )
        self.unusual = unusual

    def confirmed(self, submission: Submission) -> set[str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            code
            for sub, code, _text in self.unusual
            if sub.pk == submission.pk and data.get(f"confirm_{sub.pk}_{code}")
        }


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
        ("bloc_year", BlocYearFilter),
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
        reviewable = self._reviewable(
            request, queryset.select_related("bloc_year", "board")
        )
        # Figures far from the board's history or the bloc's median are
        # listed first, each to be confirmed (issue 12: unit slips).
        unusual = [
            (sub, code, text)
            for sub in reviewable
            if sub.status == Submission.Status.SUBMITTED
            for code, text in services.submission_unusual_figures(sub)
        ]
        applying = "apply" in request.POST
        form = ConfirmUnusualForm(request.POST if applying else None, unusual=unusual)
        if unusual and not applying:
            return self._intermediate(
                request,
                reviewable,
                form,
                _("Approve: confirm each unusual figure"),
                "approve",
            )
        done = run_each(
            self,
            request,
            reviewable,
            lambda s: services.submission_approve(
                submission=s, actor=request.user, confirmed=form.confirmed(s)
            ),
        )
        report_done(
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
        field = form.fields["indicators"]
        field.queryset = Indicator.objects.filter(bloc_year__in=year_ids).order_by(
            "order"
        )
        for value in Value.objects.filter(submission__in=list(queryset)).select_related(
            "indicator", "submission__board"
        ):
            field.figures.setdefault(value.indicator_id, []).append(
                (value.submission.board.short_name, value)
            )
        if "apply" in request.POST and form.is_valid():
            ids = [i.pk for i in form.cleaned_data["indicators"]]
            done = run_each(
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
            report_done(
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
            done = run_each(
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
            report_done(
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
