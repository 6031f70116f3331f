"""The demo's open 2026 year has a deadline inside a reminder window, so
send_reminders on a fresh demo sends something, once."""

from io import StringIO

from django.core.management import call_command

from blocs.notifications.models import Notice, ReminderSent


def _send() -> int:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return int(out.getvalue().split()[0])


def test_send_reminders_on_a_fresh_demo_sends_at_least_one_then_none(loaded, db):
    assert _send() >= 1
    told = set(
        Notice.objects.filter(kind="targets_due").values_list(
            "user__username", flat=True
        )
    )
    assert {"bql.dungquat", "bql.gialai"} <= told
    assert all(
        key.startswith("targets_due:")
        for key in ReminderSent.objects.values_list("key", flat=True)
    )
    assert _send() == 0
