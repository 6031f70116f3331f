"""Year-end documents: dated legal bases, and published PDFs kept forever.

A publication is never changed: publishing again adds a version. Each one
stores the exact bytes, their SHA-256 and a short verification code that the
public verification page accepts.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from blocs.models import BlocYear


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
