"""The fund in the admin: the secretariat keeps its own bloc's books, the
ministry reads every bloc's; every change goes through blocs.fund.services,
and a closed year's fund is read-only."""

from django.contrib import admin
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from blocs.admin import BlocYearFilter, ScopedAdmin
from blocs.fund import permissions, selectors, services
from blocs.fund.forms import ContributionForm, ExpenseForm
from blocs.fund.models import Contribution, Expense, FundYear
from blocs.models import BlocYear, Board
from blocs.permissions import bloc_years_visible_to
from blocs.templatetags.vn import num


def _sum_of(model, field: str):
    """A fund year's column total as a subquery: two sums over two joins
    would multiply each other's rows."""
    return Coalesce(
        Subquery(
            model.objects.filter(fund_year=OuterRef("pk"))
            .order_by()
            .values("fund_year")
            .annotate(total=Sum(field))
            .values("total")
        ),
        Value(0),
        output_field=DecimalField(max_digits=17, decimal_places=0),
    )


def _open_fund_years(user):
    return permissions.fund_years_visible_to(user).exclude(
        bloc_year__status=BlocYear.Status.CLOSED
    )


class FundChangeMixin:
    """Change and delete only while the year is open and it is the user's
    bloc; the ministry and closed years get the read-only view."""

    def _year_of(self, obj) -> BlocYear:
        return obj.fund_year.bloc_year

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_change_fund(request.user, self._year_of(obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_change_fund(request.user, self._year_of(obj))


@admin.register(FundYear)
class FundYearAdmin(FundChangeMixin, ScopedAdmin):
    scope = staticmethod(permissions.fund_years_visible_to)
    list_display = [
        "bloc_year",
        "opening",
        "due",
        "paid",
        "spent",
        "closing",
        "illustrative",
    ]
    list_filter = ["illustrative", "bloc_year__year"]
    search_fields = ["bloc_year__bloc__name", "bloc_year__bloc__short_name"]
    list_select_related = ["bloc_year__bloc"]
    fields = ["bloc_year", "opening_balance", "illustrative", "note", "statement"]
    readonly_fields = ["statement"]

    def _year_of(self, obj) -> BlocYear:
        return obj.bloc_year

    def has_delete_permission(self, request, obj=None):
        return False  # the books are corrected, never removed

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                due_total=_sum_of(Contribution, "due"),
                paid_total=_sum_of(Contribution, "paid"),
                spent_total=_sum_of(Expense, "amount"),
            )
        )

    @admin.display(description=_("balance carried over (VND)"))
    def opening(self, obj):
        return num(obj.opening_balance)

    @admin.display(description=_("contributions due (VND)"))
    def due(self, obj):
        return num(obj.due_total)

    @admin.display(description=_("contributions paid (VND)"))
    def paid(self, obj):
        return num(obj.paid_total)

    @admin.display(description=_("expenses (VND)"))
    def spent(self, obj):
        return num(obj.spent_total)

    @admin.display(description=_("closing balance (VND)"))
    def closing(self, obj):
        return num(obj.opening_balance + obj.paid_total - obj.spent_total)

    @admin.display(description=_("fund statement"))
    def statement(self, obj):
        report = selectors.fund_report(obj.bloc_year) if obj.pk else None
        if report is None:
            return "—"
        return render_to_string(
            "fund/includes/_statement.html", {"report": report, "admin": True}
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "opening_balance" in form.base_fields:
            field = form.base_fields["opening_balance"]
            field.required = obj is not None
            if obj is None:
                field.help_text = _(
                    "Leave empty to carry over the previous year's closing balance."
                )
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["bloc_year", "statement"]
        return ["statement"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bloc_year":
            kwargs["queryset"] = (
                bloc_years_visible_to(request.user)
                .exclude(status=BlocYear.Status.CLOSED)
                .filter(fund__isnull=True)
                .select_related("bloc")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = services.fund_year_open(
            bloc_year=obj.bloc_year,
            actor=request.user,
            opening_balance=obj.opening_balance,
            illustrative=obj.illustrative,
            note=obj.note,
        )
        obj.pk = saved.pk


@admin.register(Contribution)
class ContributionAdmin(FundChangeMixin, ScopedAdmin):
    scope = staticmethod(permissions.contributions_visible_to)
    form = ContributionForm
    list_display = ["board", "fund_year", "due_vnd", "paid_vnd", "paid_on"]
    list_filter = [("fund_year__bloc_year", BlocYearFilter)]
    search_fields = ["board__name", "board__short_name"]
    list_select_related = ["board", "fund_year__bloc_year__bloc"]
    fields = ["fund_year", "board", "due", "paid", "paid_on"]

    @admin.display(description=_("due (VND)"), ordering="due")
    def due_vnd(self, obj):
        return num(obj.due)

    @admin.display(description=_("paid (VND)"), ordering="paid")
    def paid_vnd(self, obj):
        return num(obj.paid)

    def get_readonly_fields(self, request, obj=None):
        return ["fund_year", "board"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "fund_year":
            kwargs["queryset"] = _open_fund_years(request.user).select_related(
                "bloc_year__bloc"
            )
        if db_field.name == "board" and not request.user.is_superuser:
            kwargs["queryset"] = Board.objects.filter(
                memberships__bloc_year__bloc=request.user.bloc_id
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = services.contribution_set(
            fund_year=obj.fund_year,
            board=obj.board,
            due=obj.due,
            paid=obj.paid,
            paid_on=obj.paid_on,
            actor=request.user,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # a contribution is corrected, down to zero if need be


@admin.register(Expense)
class ExpenseAdmin(FundChangeMixin, ScopedAdmin):
    scope = staticmethod(permissions.expenses_visible_to)
    form = ExpenseForm
    list_display = ["purpose", "fund_year", "spent_on", "amount_vnd", "receipt_name"]
    list_filter = [("fund_year__bloc_year", BlocYearFilter)]
    search_fields = ["purpose"]
    list_select_related = ["fund_year__bloc_year__bloc"]
    fields = ["fund_year", "purpose", "spent_on", "amount", "receipt"]

    @admin.display(description=_("amount (VND)"), ordering="amount")
    def amount_vnd(self, obj):
        return num(obj.amount)

    def has_change_permission(self, request, obj=None):
        # An expense once recorded is not edited: a mistake is deleted (the
        # audit keeps it) and entered again.
        return obj is None and super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "fund_year":
            kwargs["queryset"] = _open_fund_years(request.user).select_related(
                "bloc_year__bloc"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        saved = services.expense_add(
            fund_year=obj.fund_year,
            purpose=obj.purpose,
            spent_on=obj.spent_on,
            amount=obj.amount,
            receipt=form.cleaned_data.get("receipt") or None,
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.expense_delete(expense=obj, actor=request.user)
