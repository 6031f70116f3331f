"""Year-end documents: dated legal bases, and published PDFs kept forever.

A publication is never changed: publishing again adds a version. Each one
stores the exact bytes, their SHA-256 and a short verification code that the
public verification page accepts.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from blocs.models import Bloc, BlocYear, Board


class LegalBasis(models.Model):
    """A legal text a document cites, valid between two dates (the law, its
    decrees and the ministry's circulars change: Decree 98/2023/NĐ-CP gave way
    to 152/2025/NĐ-CP on 01/07/2025)."""

    citation = models.CharField(
        _("citation"),
        max_length=400,
        help_text=_(
            "As cited: “Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022”."
        ),
    )
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["order", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="legal_basis_dates_in_order",
                violation_error_message=_("The end date must not precede the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.citation


class Publication(models.Model):
    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("Emulation pledge")
        SUMMARY = "summary", _("Summary report")
        MINUTES = "minutes", _("Minutes of the vote")
        NOMINATION = "nomination", _("Nomination submission")

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("bloc year"),
    )
    kind = models.CharField(_("document"), max_length=12, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    code = models.CharField(_("verification code"), max_length=12, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    file = models.FileField(_("file"), upload_to="publications/")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"))
    # The PAdES signature the archived bytes carry (reports.signing): the
    # portal's, at publication, or an official's on a copy signed outside.
    signer = models.CharField(_("signed by"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    certificate = models.TextField(_("signing certificate"), blank=True)
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_copies",
        verbose_name=_("signed copy of"),
        help_text=_("The archived version that an official signed outside the portal."),
    )
    number = models.CharField(
        _("number and symbol"), max_length=40, blank=True, default=""
    )
    sections = models.JSONField(
        _("authored sections as printed"), default=dict, blank=True
    )

    class Meta:
        verbose_name = _("published document")
        verbose_name_plural = _("published documents")
        ordering = ["bloc_year", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "kind", "version"],
                name="publication_version_unique",
                violation_error_message=_("This version is already published."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.bloc_year} v{self.version}"


class DocumentYear(BlocYear):
    """A bloc-year seen from its documents, for the secretariat's admin:
    preview, draft and publish each of the year's four documents."""

    class Meta:
        proxy = True
        verbose_name = _("year's documents")
        verbose_name_plural = _("years' documents")


class ApiToken(models.Model):
    """A key to the read-only API, acting as its user: it sees exactly what
    the user's pages show. Only the SHA-256 of the secret is stored; the
    secret is shown once, when the token is issued."""

    name = models.CharField(_("name"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("acts as"),
    )
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DocumentNumber(models.Model):
    """The register of an issuing body (a bloc's head's office) for one
    calendar year: each document takes the next free number, reserved or
    typed, never used twice (Decree 30/2020/NĐ-CP, Art. 15: numbers run from
    01 on 1 January to 31 December)."""

    bloc = models.ForeignKey(
        Bloc,
        on_delete=models.PROTECT,
        related_name="document_numbers",
        verbose_name=_("issuing bloc"),
    )
    year = models.PositiveSmallIntegerField(_("register year"))
    number = models.PositiveIntegerField(_("number"))
    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.PROTECT,
        related_name="document_numbers",
        verbose_name=_("bloc year"),
    )
    kind = models.CharField(_("document"), max_length=12, choices=Publication.Kind)
    reserved_at = models.DateTimeField(_("reserved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document register")
        ordering = ["bloc", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year", "number"],
                name="document_number_unique_in_register",
                violation_error_message=_(
                    "This number is already used in this register."
                ),
            ),
            models.UniqueConstraint(
                fields=["bloc_year", "kind"],
                name="document_number_one_per_document",
                violation_error_message=_("This document already has a number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="document_number_positive",
                violation_error_message=_("Numbers start at 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}/{self.year} {self.bloc.short_name}"


class YearSections(models.Model):
    """What the secretariat writes for a year's documents: the summary's
    narrative, the minutes' record of the meeting. Each publication keeps a
    copy of what it printed (``Publication.sections``)."""

    bloc_year = models.OneToOneField(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("bloc year"),
    )
    results = models.TextField(
        _("results"), blank=True, help_text=_("Summary report, section II.")
    )
    shortcomings = models.TextField(
        _("shortcomings and their causes"),
        blank=True,
        help_text=_("Summary report, section III."),
    )
    lessons = models.TextField(
        _("lessons"), blank=True, help_text=_("Summary report, section III.")
    )
    directions = models.TextField(
        _("directions and tasks for next year"),
        blank=True,
        help_text=_("Summary report, section V."),
    )
    start_time = models.TimeField(_("meeting start time"), null=True, blank=True)
    end_time = models.TimeField(_("meeting end time"), null=True, blank=True)
    participants = models.TextField(
        _("participants"), blank=True, help_text=_("Minutes: one per line.")
    )
    guests = models.TextField(
        _("guests"), blank=True, help_text=_("Minutes: one per line.")
    )
    secretary = models.CharField(
        _("secretary of the meeting"),
        max_length=255,
        blank=True,
        help_text=_("Full name; the secretary signs the minutes."),
    )
    counting_team = models.TextField(
        _("vote-counting team"),
        blank=True,
        help_text=_("Minutes: one member per line, “full name, title, board”."),
    )
    discussion = models.TextField(_("discussion summary"), blank=True)
    proposal = models.TextField(
        _("award proposal"),
        blank=True,
        help_text=_(
            "Nomination: what the bloc proposes when no voting round decided it "
            "(an acclamation recorded in words)."
        ),
    )
    illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Demo text not taken from a source: documents say so."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("authored sections")
        verbose_name_plural = _("authored sections")

    def __str__(self) -> str:
        return str(self.bloc_year)


class Achievement(models.Model):
    """A nominee's short achievement summary (tóm tắt thành tích) printed in
    the nomination submission."""

    sections = models.ForeignKey(
        YearSections,
        on_delete=models.CASCADE,
        related_name="achievements",
        verbose_name=_("authored sections"),
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="+", verbose_name=_("board")
    )
    text = models.TextField(_("achievement summary"))

    class Meta:
        verbose_name = _("achievement summary")
        verbose_name_plural = _("achievement summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["sections", "board"],
                name="achievement_one_per_board",
                violation_error_message=_("This board already has a summary."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.board)
