"""The bloc's fund (quỹ khối): members' yearly contributions and the
expenses the fund rules allow (seed 003: the bloc adopts rules for managing
and using its fund), year by year, with the balance carried over.

Money is in đồng, which has no smaller unit in use: whole numbers only."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.models import BlocYear, Board

MONEY = {"max_digits": 15, "decimal_places": 0, "validators": [MinValueValidator(0)]}


def not_in_future(day) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("A date cannot be in the future."))


class FundYear(models.Model):
    """The fund of one bloc-year: what was carried over from the year before;
    contributions and expenses hang below it. Closed with the year."""

    bloc_year = models.OneToOneField(
        BlocYear,
        on_delete=models.PROTECT,
        related_name="fund",
        verbose_name=_("bloc year"),
    )
    opening_balance = models.DecimalField(
        _("balance carried over (VND)"),
        help_text=_("What the fund held at the end of the previous year."),
        **MONEY,
    )
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo figures not taken from a source: documents say so."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("bloc fund year")
        verbose_name_plural = _("bloc fund years")
        ordering = ["-bloc_year__year", "bloc_year__bloc__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opening_balance__gte=0),
                name="fund_year_opening_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.bloc_year)


class Contribution(models.Model):
    """What one member board owes the fund for the year, and what it paid."""

    fund_year = models.ForeignKey(
        FundYear,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("bloc fund year"),
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="+", verbose_name=_("board")
    )
    due = models.DecimalField(_("due (VND)"), **MONEY)
    paid = models.DecimalField(_("paid (VND)"), default=0, **MONEY)
    paid_on = models.DateField(
        _("date paid"), null=True, blank=True, validators=[not_in_future]
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["fund_year", "board__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund_year", "board"],
                name="contribution_one_per_board_and_year",
                violation_error_message=_(
                    "This board already has a contribution this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(due__gte=0) & Q(paid__gte=0),
                name="contribution_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(paid=0) | Q(paid_on__isnull=False),
                name="contribution_paid_has_date",
                violation_error_message=_("Give the date a payment was made."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} {self.fund_year}"


def receipt_path(instance: "Expense", filename: str) -> str:
    by = instance.fund_year.bloc_year
    return f"fund/{by.year}/{by.pk}/{filename}"


class Expense(models.Model):
    """Money spent from the fund, for a purpose, on a day, with its receipt."""

    fund_year = models.ForeignKey(
        FundYear,
        on_delete=models.PROTECT,
        related_name="expenses",
        verbose_name=_("bloc fund year"),
    )
    purpose = models.CharField(_("purpose"), max_length=255)
    spent_on = models.DateField(_("date spent"), validators=[not_in_future])
    amount = models.DecimalField(
        _("amount (VND)"),
        max_digits=15,
        decimal_places=0,
        validators=[MinValueValidator(1)],
    )
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, blank=True)
    receipt_name = models.CharField(_("file name"), max_length=255, blank=True)
    receipt_type = models.CharField(_("type"), max_length=100, blank=True)
    receipt_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["fund_year", "spent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expense_amount_positive",
                violation_error_message=_("An expense must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.purpose
