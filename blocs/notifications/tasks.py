"""Background tasks (django-tasks): run by `manage.py db_worker`."""

from django_tasks import task

from blocs.notifications import mail


@task()
def deliveries_send() -> dict[str, int]:
    """Send every e-mail that is due (one task per batch of notices)."""
    return mail.deliveries_send_due()


@task()
def reminders_send() -> int:
    """The scheduled reminders, for a worker that runs them periodically
    (`manage.py send_reminders --enqueue`)."""
    from blocs.notifications.services import reminders_send as send

    return send()
