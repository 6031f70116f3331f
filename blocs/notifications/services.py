"""Everything that changes notices: record them (and enqueue their mail),
mark them read, users' choices, subscriptions, reminders."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from blocs import hooks
from blocs.models import Bloc, User
from blocs.notifications.kinds import KINDS
from blocs.notifications.models import (
    Delivery,
    Notice,
    Preference,
    ReminderSent,
    Subscription,
)
from blocs.permissions import is_ministry_viewer
from blocs.services import audit_record


@dataclass
class Item:
    """One notice kind and context for a group of users (one batch entry)."""

    users: list
    kind: str
    context: dict = field(default_factory=dict)
    link: str = ""


def _in_scope(user: User, kind: str) -> bool:
    """A user with no role (and no superuser rights) is told nothing but what
    concerns the account itself (a password reset)."""
    if not user.is_active:
        return False
    return KINDS[kind].account or user.is_superuser or bool(user.role)


def deliveries_enqueue(*, run_after: dt.datetime | None = None) -> None:
    """One task sends every due e-mail; one row in the task table."""
    from blocs.notifications.tasks import deliveries_send

    task = (
        deliveries_send
        if run_after is None
        else deliveries_send.using(run_after=run_after)
    )
    task.enqueue()


@transaction.atomic
def notify_batch(items: Iterable[Item]) -> int:
    """Record the notices of many items at once and, after the transaction
    commits, enqueue ONE task for their e-mail: whatever the number of users,
    a fixed number of queries (preferences, notices, deliveries, the task).
    Returns how many notices were recorded."""
    pairs = []
    for item in items:
        if item.kind not in KINDS:
            raise ValueError(f"unknown notice kind {item.kind!r}")
        seen = set()
        for user in item.users:
            if user.pk in seen or not _in_scope(user, item.kind):
                continue
            seen.add(user.pk)
            pairs.append((user, item))
    if not pairs:
        return 0
    prefs = {
        p.user_id: p
        for p in Preference.objects.filter(user__in={u.pk for u, _ in pairs})
    }
    notices = Notice.objects.bulk_create(
        [
            Notice(user=user, kind=item.kind, context=item.context, link=item.link)
            for user, item in pairs
        ]
    )
    now = timezone.now()
    deliveries = []
    for notice, (user, item) in zip(notices, pairs, strict=True):
        pref = prefs.get(user.pk)
        wants = KINDS[item.kind].essential or pref is None or pref.email_optional
        if user.email and wants:
            deliveries.append(
                Delivery(notice=notice, address=user.email, next_attempt_at=now)
            )
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        transaction.on_commit(deliveries_enqueue)
    return len(notices)


def notify(*, users: Iterable[User], kind: str, context: dict, link: str = "") -> int:
    """Tell ``users`` (those in some scope) about one event."""
    return notify_batch([Item(list(users), kind, context, link)])


def notices_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's own notices read (all unread ones when ``ids`` is None);
    ids of other users' notices are ignored."""
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=ids)
    return notices.update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user: User, email_optional: bool, language: str) -> Preference:
    pref = Preference.objects.filter(user=user).first() or Preference(user=user)
    old = {"email_optional": pref.email_optional, "language": pref.language}
    pref.email_optional, pref.language = email_optional, language
    pref.full_clean()
    pref.save()
    new = {"email_optional": email_optional, "language": language}
    audit_record(
        actor=user,
        action="notice.preference",
        obj=user,
        changes={k: [old[k], new[k]] for k in new if old[k] != new[k]},
    )
    return pref


@transaction.atomic
def subscriptions_set(*, user: User, blocs: Iterable[Bloc]) -> list[int]:
    """A ministry user's blocs whose published documents they hear of."""
    if not is_ministry_viewer(user):
        raise PermissionDenied
    ids = sorted({b.pk for b in blocs})
    old = sorted(
        Subscription.objects.filter(user=user).values_list("bloc_id", flat=True)
    )
    Subscription.objects.filter(user=user).exclude(bloc_id__in=ids).delete()
    Subscription.objects.bulk_create(
        [Subscription(user=user, bloc_id=pk) for pk in ids if pk not in old]
    )
    if old != ids:
        audit_record(
            actor=user,
            action="notice.subscriptions",
            obj=user,
            changes={"blocs": [old, ids]},
        )
    return ids


def subscribers_of(bloc_id: int) -> list[User]:
    return list(
        User.objects.filter(
            bloc_subscriptions__bloc_id=bloc_id,
            role=User.Role.MINISTRY_VIEWER,
            is_active=True,
        )
    )


@transaction.atomic
def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send every reminder the sources find due that was not sent before.
    Returns how many reminders (not notices) were sent now."""
    now = now or timezone.now()
    due = [r for source in hooks.REMINDER_SOURCES for r in source(now)]
    sent = set(
        ReminderSent.objects.filter(key__in=[r.key for r in due]).values_list(
            "key", flat=True
        )
    )
    fresh = {}
    for reminder in due:
        if reminder.key not in sent and reminder.users:
            fresh.setdefault(reminder.key, reminder)
    if not fresh:
        return 0
    # The unique key refuses a second record even from a concurrent run,
    # which then rolls back whole and sends nothing.
    ReminderSent.objects.bulk_create(
        [ReminderSent(key=key, recipients=len(r.users)) for key, r in fresh.items()]
    )
    notify_batch(Item(r.users, r.kind, r.context, r.link) for r in fresh.values())
    return len(fresh)


def reminders_send_now(*, reminders: list[hooks.Reminder], actor: User) -> int:
    """The secretariat's "remind those who have not…": sends these reminders
    now, whatever was sent before, and audits who asked. Returns the number
    of people told."""
    if not reminders:
        return 0
    with transaction.atomic():
        told = notify_batch(Item(r.users, r.kind, r.context, r.link) for r in reminders)
        audit_record(
            actor=actor,
            action="notice.remind",
            obj=actor,
            changes={"reminders": [r.key for r in reminders], "people": told},
        )
    return told


def deliveries_enqueue_if_due() -> bool:
    """Enqueue the sending task when mail is due and no task is waiting."""
    from django_tasks_db.models import DBTaskResult

    due = Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING],
        next_attempt_at__lte=timezone.now(),
    ).exists()
    if not due:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path="blocs.notifications.tasks.deliveries_send", status="READY"
    ).exists()
    if not waiting:
        deliveries_enqueue()
    return not waiting
