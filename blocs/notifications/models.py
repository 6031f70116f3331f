"""Notices (the notice centre), their e-mail deliveries, each user's choices,
ministry subscriptions to blocs, and the record of reminders already sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.models import Bloc


class Notice(models.Model):
    """One thing one user is told. The words are rendered from ``kind`` and
    ``context`` in the reader's language when shown or mailed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    context = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class Delivery(models.Model):
    """The e-mail of one notice: kept until sent, retried with back-off while
    the mail server is unreachable, recorded as bounced when it refuses the
    address."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        BOUNCED = "bounced", _("Refused by the mail server")

    notice = models.OneToOneField(
        Notice,
        on_delete=models.CASCADE,
        related_name="delivery",
        verbose_name=_("notice"),
    )
    address = models.EmailField(_("address"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next attempt may start; while SENDING, when the worker's claim
    # lapses (a worker killed mid-send leaves the row to be taken up again).
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claim = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="delivery_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.get_status_display()})"


class Preference(models.Model):
    """A user's choices; a user without a row gets the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preference",
        verbose_name=_("user"),
    )
    email_optional = models.BooleanField(
        _("e-mail me what is not essential"),
        default=True,
        help_text=_(
            "Deadlines, returned reports and password messages are always sent."
        ),
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)


class Subscription(models.Model):
    """A ministry user who wants to hear of a bloc's published documents."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bloc_subscriptions",
        verbose_name=_("user"),
    )
    bloc = models.ForeignKey(
        Bloc,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("bloc"),
    )

    class Meta:
        verbose_name = _("bloc subscription")
        verbose_name_plural = _("bloc subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "bloc"], name="subscription_one_per_user_and_bloc"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.bloc_id}"


class ReminderSent(models.Model):
    """A reminder already sent, by its key (what, to whom, which window): the
    unique key is what makes a second ``send_reminders`` run send nothing."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key
