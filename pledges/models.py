"""A bloc-year's pledge, its indicator catalogue, and each board's submission.

A board's ``Submission`` for a year holds both its registration (the plan
value of each indicator and the award it aims for) and its results (the
actual values, with evidence). One ``Value`` row per board and indicator
carries plan and actual side by side, which is also the shape of the
secretariat's spreadsheets (one row per board and indicator).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs import awards
from blocs.models import BlocYear, Board
from blocs.templatetags.vn import figure
from pledges import calc, units

# Every figure fits here: 16 integer digits, 4 decimals (2.331,663 million USD).
MAX_DIGITS, DECIMAL_PLACES = 20, 4
ABSOLUTE_MAX = Decimal("1e15")


class Indicator(models.Model):
    # The units and their dimensions are declared once, in pledges/units.py.
    Unit = units.Unit
    Dimension = units.Dimension

    class Kind(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        BOOLEAN = "boolean", _("Yes / no")
        TEXT = "text", _("Text")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum over boards")
        NONE = "none", _("No bloc total")

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("bloc year"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    dimension = models.CharField(
        _("dimension"),
        max_length=8,
        choices=Dimension.choices,
        default=Dimension.COUNT,
        help_text=_(
            "What the figure measures; figures may be entered in any unit of it "
            "and are converted to the indicator's unit."
        ),
    )
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    kind = models.CharField(
        _("value kind"), max_length=10, choices=Kind.choices, default=Kind.DECIMAL
    )
    has_plan = models.BooleanField(_("has a plan (KH)"), default=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    aggregation = models.CharField(
        _("bloc total"),
        max_length=8,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    group = models.CharField(_("group"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    allow_negative = models.BooleanField(_("negative values allowed"), default=False)
    max_value = models.DecimalField(
        _("largest accepted value"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    help_text = models.CharField(_("explanation"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["bloc_year", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "code"],
                name="indicator_code_unique_per_year",
                violation_error_message=_("This code is already used this year."),
            ),
            # The units table, in the database too: a unit outside its
            # dimension would let a total add tỷ đồng to million USD.
            models.CheckConstraint(
                condition=Q(
                    *(
                        Q(dimension=dimension, unit__in=units.units_of(dimension))
                        for dimension in units.Dimension.values
                    ),
                    _connector=Q.OR,
                ),
                name="indicator_unit_in_dimension",
                violation_error_message=_("The unit does not match the dimension."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self):
        """The unit belongs to the dimension; a code that this year's rules
        name cannot change under them."""
        super().clean()
        if (
            self.unit in units.UNITS
            and self.dimension in units.Dimension.values
            and self.unit not in units.units_of(self.dimension)
        ):
            raise ValidationError(
                {
                    "unit": _(
                        "%(unit)s does not measure %(dimension)s: choose one of "
                        "%(units)s."
                    )
                    % {
                        "unit": self.get_unit_display(),
                        "dimension": self.get_dimension_display(),
                        "units": ", ".join(
                            str(units.Unit(u).label)
                            for u in units.units_of(self.dimension)
                        ),
                    }
                }
            )
        if self.pk is None:
            return
        old = Indicator.objects.filter(pk=self.pk).values_list("code", flat=True)
        old_code = old.first()
        if old_code is None or old_code == self.code:
            return
        rules = ValidationRule.objects.filter(bloc_year=self.bloc_year_id)
        if any(
            old_code in calc.parse_codes(r.left) + calc.parse_codes(r.right)
            for r in rules
        ):
            raise ValidationError(
                {
                    "code": _(
                        "This year's validation rules use the code %(code)s: "
                        "change them first."
                    )
                    % {"code": old_code}
                }
            )

    @property
    def is_numeric(self) -> bool:
        return self.kind in (self.Kind.INTEGER, self.Kind.DECIMAL, self.Kind.BOOLEAN)


# A required field of a rule kind as the database checks it; clean() checks
# the same, and more (codes well formed and in the catalogue).
RULE_FIELD_GIVEN = {
    "left": ~Q(left=""),
    "right": ~Q(right=""),
    "operator": Q(operator__in=list(calc.OPERATORS)),
    # SQL passes a check that is NULL: say "not null" outright.
    "threshold": Q(threshold__isnull=False, threshold__gte=0),
}
RULE_FIELD_MISSING = {
    "left": _("Give at least one indicator code (codes joined by +)."),
    "right": _("Give at least one indicator code (codes joined by +)."),
    "operator": _("Choose an operator."),
    "threshold": _("Give a threshold of 0 or more."),
}


def _all_given(fields: tuple[str, ...]) -> Q:
    condition = Q()
    for name in fields:
        condition &= RULE_FIELD_GIVEN[name]
    return condition


class ValidationRule(models.Model):
    """A check on a board's figures, kept as data the secretariat can edit
    (after DHIS2's validation rules): a comparison of two sums of indicators,
    a change from last year beyond a share, or a % of plan beyond a bound."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Error: blocks submission")
        WARNING = "warning", _("Warning: needs a note")

    class Kind(models.TextChoices):
        COMPARE = "compare", _("Compare two sums of indicators")
        CHANGE = "change", _("Change from last year above a share")
        PLAN_RATIO = "plan_ratio", _("Share of plan above a bound")

    class Operator(models.TextChoices):
        EQ = "eq", "="
        LE = "le", "≤"
        GE = "ge", "≥"

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="validation_rules",
        verbose_name=_("bloc year"),
    )
    name = models.CharField(_("message"), max_length=255)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    left = models.CharField(
        _("left side"),
        max_length=255,
        blank=True,
        help_text=_(
            "Indicator codes joined by +, e.g. new-projects-fdi+new-projects-ddi"
        ),
    )
    operator = models.CharField(
        _("operator"), max_length=2, choices=Operator.choices, blank=True
    )
    right = models.CharField(_("right side"), max_length=255, blank=True)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A share for changes (0,5 = 50%), a percent for % of plan (300)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["bloc_year", "severity", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=list(calc.RULE_KINDS)),
                name="validationrule_kind_known",
                violation_error_message=_("Choose a kind of rule."),
            ),
            # One per kind, from the kinds' table: a rule stored without a
            # field its kind needs would break every board's submission.
            *(
                models.CheckConstraint(
                    condition=~Q(kind=kind) | _all_given(spec.required),
                    name=f"validationrule_{kind}_complete",
                    violation_error_message=_(
                        "This kind of rule lacks a field it needs."
                    ),
                )
                for kind, spec in calc.RULE_KINDS.items()
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        """Refuse a rule without what its kind needs (calc.RULE_KINDS), or
        naming indicators that are not in its year's catalogue."""
        super().clean()
        errors = {
            name: RULE_FIELD_MISSING[name]
            for name in calc.rule_missing(self)
            if name in RULE_FIELD_MISSING
        }
        if self.bloc_year_id is not None:
            known = dict(self.bloc_year.indicators.values_list("code", "unit"))
            for name in ("left", "right"):
                codes = calc.parse_codes(getattr(self, name))
                unknown = [code for code in codes if code not in known]
                if unknown and name not in errors:
                    errors[name] = ValidationError(
                        _("Not in this year's catalogue: %(codes)s."),
                        params={"codes": ", ".join(unknown)},
                        code="unknown_code",
                    )
            # A rule's sums never add tỷ đồng to million USD.
            named = [
                code
                for name in ("left", "right")
                for code in calc.parse_codes(getattr(self, name))
                if code in known
            ]
            if len({known[code] for code in named}) > 1 and "right" not in errors:
                errors["right"] = ValidationError(
                    _(
                        "A rule adds and compares figures of one unit only: "
                        "%(codes)s are in different units."
                    ),
                    params={"codes": ", ".join(named)},
                    code="mixed_units",
                )
        if errors:
            raise ValidationError(errors)

    def as_rule(self) -> calc.Rule:
        """The rule as the arithmetic of pledges/calc.py takes it."""
        return calc.Rule(
            id=self.pk,
            message=self.name,
            severity=self.severity,
            kind=self.kind,
            left=self.left,
            operator=self.operator,
            right=self.right,
            threshold=self.threshold,
        )


class Pledge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being drafted")
        OPEN = "open", _("Open for signing")
        CLOSED = "closed", _("Closed")

    bloc_year = models.OneToOneField(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="pledge",
        verbose_name=_("bloc year"),
    )
    title = models.CharField(_("title"), max_length=255)
    signing_date = models.DateField(
        _("pledge-signing date"),
        null=True,
        blank=True,
        help_text=_(
            "The day the boards sign the year's pledge, printed on the pledge. "
            "Not the year-end summary conference, which is on the bloc year."
        ),
    )
    signing_place = models.CharField(
        _("pledge-signing place"), max_length=255, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("pledge"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["pledge", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "number"],
                name="commitment_number_unique",
                violation_error_message=_("This number is already used."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class Signature(models.Model):
    pledge = models.ForeignKey(
        Pledge,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("pledge"),
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("board"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["pledge", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "board"],
                name="signature_once_per_board",
                violation_error_message=_("This board has already signed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} — {self.pledge}"


class Submission(models.Model):
    """A board's registration and results for one bloc-year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")

    # The award a board aims for: none, or one of the registry's kinds.
    Award = models.TextChoices(
        "Award", [("NONE", ("none", _("No award"))), *awards.choice_members()]
    )

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("bloc year"),
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("board"),
    )
    award_target = models.CharField(
        _("award aimed for"), max_length=6, choices=Award.choices, default=Award.NONE
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True)
    # Optimistic locking: every save bumps it; a form carries the version it
    # was rendered from, and a stale one is refused instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["bloc_year", "board__province", "board__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "board"],
                name="submission_one_per_board_and_year",
                violation_error_message=_("This board already has a submission."),
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="submission_return_has_reason",
                violation_error_message=_("A return needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} — {self.bloc_year}"


class Value(models.Model):
    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("submission"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("indicator"),
    )
    plan = models.DecimalField(
        _("plan (KH)"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    actual = models.DecimalField(
        _("actual"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    # What was typed when a figure was entered in another unit than the
    # indicator's (plan and actual hold it converted); empty otherwise.
    plan_entered = models.DecimalField(
        _("plan as entered"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    plan_entered_unit = models.CharField(
        _("unit of the plan as entered"),
        max_length=12,
        choices=units.Unit.choices,
        blank=True,
    )
    actual_entered = models.DecimalField(
        _("actual as entered"),
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    actual_entered_unit = models.CharField(
        _("unit of the actual as entered"),
        max_length=12,
        choices=units.Unit.choices,
        blank=True,
    )
    text = models.TextField(_("text answer"), blank=True)
    note = models.TextField(_("note"), blank=True)
    flagged = models.BooleanField(_("flagged by the secretariat"), default=False)
    # Set on approval for a figure far from the board's history or the bloc's
    # median that the secretariat confirmed: totals including it say so.
    outlier_confirmed = models.BooleanField(
        _("unusual figure confirmed"), default=False
    )

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        ordering = ["submission", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"],
                name="value_one_per_submission_and_indicator",
                violation_error_message=_("This indicator already has a value."),
            ),
        ]

    def __str__(self) -> str:
        # What the review page's inline heads each row with: the name the
        # board knows and the figure as its kind writes it.
        if self.indicator.kind == Indicator.Kind.TEXT:
            return self.indicator.name
        return f"{self.indicator.name}: {figure(self.actual, self.indicator.kind)}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    sub = instance.submission
    return f"evidence/{sub.bloc_year.year}/{sub.bloc_year_id}/{sub.board_id}/{filename}"


class Evidence(models.Model):
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("submission"),
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(
        _("size (bytes)"), validators=[MinValueValidator(1)]
    )
    content_type = models.CharField(_("type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["submission", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ExchangeRate(models.Model):
    """The rate the secretariat sets for a bloc-year to convert money
    between VND and USD; printed in the year's summary. Set and changed
    through ``exchange_rate_set`` (audited); a closed year's rate is fixed."""

    bloc_year = models.OneToOneField(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="exchange_rate",
        verbose_name=_("bloc year"),
    )
    vnd_per_usd = models.DecimalField(
        _("VND per USD"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("e.g. the State Bank's central rate of 31/12 of the year"),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(vnd_per_usd__gt=0),
                name="exchangerate_positive",
                violation_error_message=_("The rate must be above zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bloc_year}: 1 USD = {self.vnd_per_usd} VND"


class ReportingYear(BlocYear):
    """A bloc-year seen from the reporting side, for the secretariat's admin:
    setting up the catalogue, opening reports, completeness and bloc totals."""

    class Meta:
        proxy = True
        verbose_name = _("reporting year")
        verbose_name_plural = _("reporting years")
