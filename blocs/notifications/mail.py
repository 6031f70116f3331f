"""Sending the e-mail of notices: render in the reader's language, send over
one connection, record each outcome, back off while the server is away."""

import datetime as dt
import functools
import logging
import smtplib
import uuid

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from blocs.notifications import kinds
from blocs.notifications.models import Delivery

logger = logging.getLogger("portal.mail")

D = Delivery.Status
# A claimed row not finished within this long is taken up again.
LEASE = dt.timedelta(minutes=15)
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
BATCH = 500


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8… minutes after each failed attempt, at most six hours:
    never given up, so nothing is lost while the server is away for a day."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _language(user) -> str:
    pref = getattr(user, "notice_preference", None)
    return pref.language if pref else settings.LANGUAGE_CODE


def _context(notice) -> dict:
    """The notice's context, plus what is made only at sending: a password
    reset link (its token is never stored, so the task table holds no key)."""
    context = dict(notice.context)
    context.setdefault("username", notice.user.get_username())
    if notice.kind == kinds.PASSWORD_RESET:
        user = notice.user
        context["link"] = settings.SITE_URL.rstrip("/") + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    elif notice.link:
        context["link"] = settings.SITE_URL.rstrip("/") + notice.link
    return context


def message_for(delivery: Delivery, connection=None) -> EmailMultiAlternatives:
    notice = delivery.notice
    language = _language(notice.user)
    with translation.override(language):
        context = _context(notice)
        subject, body = kinds.render(notice.kind, context)
        page = {
            "subject": subject,
            "body": body,
            "link": context.get("link", ""),
            "name": notice.user.get_full_name() or notice.user.get_username(),
            "language": language,
        }
        text = render_to_string("notifications/email.txt", page)
        html = render_to_string("notifications/email.html", page)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[delivery.address],
        connection=connection,
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(now: dt.datetime) -> list[Delivery]:
    """Take up to BATCH due deliveries for this worker (two workers never
    send the same row: the conditional UPDATE decides who has it)."""
    ids = list(
        Delivery.objects.filter(
            status__in=[D.PENDING, D.SENDING], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    if not ids:
        return []
    token = uuid.uuid4().hex
    Delivery.objects.filter(
        pk__in=ids, status__in=[D.PENDING, D.SENDING], next_attempt_at__lte=now
    ).update(status=D.SENDING, claim=token, next_attempt_at=now + LEASE)
    return list(
        Delivery.objects.filter(claim=token, status=D.SENDING).select_related(
            "notice__user__notice_preference"
        )
    )


def _permanent(exc: Exception) -> bool:
    """The server refused this message for good (5xx), as opposed to being
    away or busy (connection errors, 4xx): bounce, do not retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def deliveries_send_due(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due delivery; returns counts. While the server is away,
    every claimed row is put back with its back-off and one retry task is
    enqueued for the earliest of them."""
    counts = {"sent": 0, "bounced": 0, "deferred": 0}
    while True:
        batch_now = now or timezone.now()
        batch = _claim(batch_now)
        if not batch:
            return counts
        connection = get_connection(fail_silently=False)
        done: list[Delivery] = []
        deferred: list[Delivery] = []
        error = ""
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            deferred = batch
        else:
            try:
                for i, delivery in enumerate(batch):
                    try:
                        message_for(delivery, connection).send()
                    except (OSError, smtplib.SMTPException) as exc:
                        if not _permanent(exc):
                            error = f"{type(exc).__name__}: {exc}"
                            deferred = batch[i:]
                            break
                        delivery.status, delivery.last_error = D.BOUNCED, str(exc)
                        logger.warning(
                            "mail refused",
                            extra={"event": "mail.bounced", "delivery": delivery.pk},
                        )
                    else:
                        delivery.status, delivery.sent_at = D.SENT, timezone.now()
                        delivery.last_error = ""
                    delivery.attempts += 1
                    done.append(delivery)
            finally:
                try:
                    connection.close()
                except (OSError, smtplib.SMTPException):
                    logger.warning("mail connection did not close cleanly")
        retry_at = None
        for delivery in deferred:
            delivery.attempts += 1
            delivery.status, delivery.last_error = D.PENDING, error
            delivery.next_attempt_at = batch_now + backoff(delivery.attempts)
            retry_at = min(
                retry_at or delivery.next_attempt_at, delivery.next_attempt_at
            )
        with transaction.atomic():
            Delivery.objects.bulk_update(
                done + deferred,
                ["status", "attempts", "sent_at", "last_error", "next_attempt_at"],
                batch_size=BATCH,
            )
            if retry_at is not None:
                from blocs.notifications.services import deliveries_enqueue

                transaction.on_commit(
                    functools.partial(deliveries_enqueue, run_after=retry_at)
                )
        counts["sent"] += sum(d.status == D.SENT for d in done)
        counts["bounced"] += sum(d.status == D.BOUNCED for d in done)
        counts["deferred"] += len(deferred)
        if deferred:
            logger.warning(
                "mail server unreachable, retrying later",
                extra={"event": "mail.deferred", "count": len(deferred)},
            )
            return counts
