"""Background tasks (django-tasks): run by `manage.py db_worker`."""

from django_tasks import task

from blocs.notifications import mail


@task()
def deliveries_send() -> dict[str, int]:
    """Send every e-mail that is due (one task per batch of notices)."""
    return mail.deliveries_send_due()


@task()
def reminders_send(every_minutes: int = 0) -> int:
    """The due reminders, run by the worker (`send_reminders --enqueue`); with
    ``every_minutes`` it enqueues its next run that much later, so a worker
    alone keeps reminding without cron (`send_reminders --every 60`)."""
    import datetime as dt

    from django.utils import timezone

    from blocs.notifications.services import reminders_send as send

    if every_minutes > 0:
        reminders_send.using(
            run_after=timezone.now() + dt.timedelta(minutes=every_minutes)
        ).enqueue(every_minutes)
    return send()
