"""The year's set-up: indicator catalogue, validation rules, pledge."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import BlocYearFilter
from blocs.permissions import is_secretariat
from pledges import permissions, services, units
from pledges.admin.common import YearScopedAdmin, report_done, run_each
from pledges.models import (
    Commitment,
    ExchangeRate,
    Indicator,
    Pledge,
    Signature,
    ValidationRule,
)


@admin.register(Indicator)
class IndicatorAdmin(YearScopedAdmin):
    scope = staticmethod(permissions.indicators_visible_to)
    list_display = [
        "code",
        "name",
        "dimension",
        "unit",
        "kind",
        "has_plan",
        "aggregation",
        "group",
        "order",
        "bloc_year",
    ]
    list_filter = [("bloc_year", BlocYearFilter), "group", "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["bloc_year__bloc"]
    ordering = ["bloc_year", "order", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["bloc_year"] if obj is not None else []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            # The units grouped by what they measure, as pledges/units.py
            # declares them; a unit outside the chosen dimension is refused
            # by Indicator.clean.
            kwargs["choices"] = [("", "---------")] + [
                (
                    label,
                    [(u, units.Unit(u).label) for u in units.units_of(dimension)],
                )
                for dimension, label in units.Dimension.choices
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Through the service: checked and written to the audit trail.
        services.indicator_save(indicator=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.indicator_delete(indicator=obj, actor=request.user)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(YearScopedAdmin):
    """The year's VND per USD, set by its secretariat through
    ``exchange_rate_set`` (audited; figures typed in the other currency are
    converted again); fixed once the year is closed."""

    scope = staticmethod(permissions.exchange_rates_visible_to)
    list_display = ["bloc_year", "vnd_per_usd", "source", "set_by", "set_at"]
    list_filter = [("bloc_year", BlocYearFilter)]
    list_select_related = ["bloc_year__bloc", "set_by"]
    fields = ["bloc_year", "vnd_per_usd", "source", "set_by", "set_at"]
    readonly_fields = ["set_by", "set_at"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["set_by", "set_at"]
        return ["bloc_year", *fixed] if obj is not None else fixed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class RateForm(form):
            def clean(self):
                # The service's refusals, shown on the form rather than
                # raised from save_model.
                cleaned = super().clean()
                bloc_year = cleaned.get("bloc_year") or self.instance.bloc_year
                rate = cleaned.get("vnd_per_usd")
                if bloc_year is not None and rate is not None:
                    try:
                        services.exchange_rate_check(
                            bloc_year=bloc_year, vnd_per_usd=rate
                        )
                    except ValidationError as error:
                        self.add_error(None, error)
                return cleaned

        return RateForm

    def save_model(self, request, obj, form, change):
        saved = services.exchange_rate_set(
            bloc_year=obj.bloc_year,
            vnd_per_usd=obj.vnd_per_usd,
            source=obj.source,
            actor=request.user,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        # A rate that converted figures stays, changed but never removed.
        return False


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
        ("bloc_year", BlocYearFilter),
        "severity",
        "kind",
        "active",
    ]
    search_fields = ["name", "left", "right"]
    list_select_related = ["bloc_year__bloc"]

    def get_readonly_fields(self, request, obj=None):
        return ["bloc_year"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        # Through the service: an incomplete rule was already refused by the
        # form (ValidationRule.clean), and the change is audited.
        services.rule_save(rule=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.rule_delete(rule=obj, actor=request.user)


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
    list_filter = ["status", ("bloc_year", BlocYearFilter)]
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
        done = run_each(
            self,
            request,
            queryset,
            lambda p: services.pledge_open(pledge=p, actor=request.user),
        )
        report_done(
            self,
            request,
            done,
            ngettext("%(count)d pledge opened.", "%(count)d pledges opened.", done),
        )

    @admin.action(description=_("Close signing"), permissions=["manage"])
    def close_signing(self, request, queryset):
        done = run_each(
            self,
            request,
            queryset,
            lambda p: services.pledge_close(pledge=p, actor=request.user),
        )
        report_done(
            self,
            request,
            done,
            ngettext("%(count)d pledge closed.", "%(count)d pledges closed.", done),
        )
