"""1,000 deadline reminders sent by one task worker through a real SMTP
server on loopback (aiosmtpd): ``python -m bench.reminders COUNT``.

Set-up, not timed: a fresh database (DATABASE_URL) with COUNT boards in blocs
of 100, each board with one officer who has an address and has not submitted
its report, whose deadline is three days away. Timed: ``send_reminders``
(finds, records and enqueues: one task) and then ``db_worker --batch`` (one
worker renders and sends every message), until the server has received them
all."""

import datetime as dt
import os
import sys
import time

from bench.common import emit
from tests.smtp import SmtpServer

BLOC_SIZE = 100


def main(count: int) -> None:
    server = SmtpServer()
    server.start()
    os.environ |= {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
    }
    os.environ.pop("EMAIL_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from blocs import services as blocs
    from blocs.models import User
    from blocs.notifications.models import Delivery
    from pledges import services as pledges

    call_command("migrate", "--no-input", verbosity=0)
    ministry = blocs.ministry_upsert(
        short_name="BENCH", name="Bộ (benchmark)", valid_from=dt.date(2000, 1, 1)
    )
    deadline = timezone.localdate() + dt.timedelta(days=3)
    for b in range((count + BLOC_SIZE - 1) // BLOC_SIZE):
        bloc = blocs.bloc_upsert(
            short_name=f"BENCH{b}",
            name=f"Khối benchmark {b}",
            region="—",
            ministry=ministry,
        )
        year = blocs.bloc_year_upsert(
            bloc=bloc, year=2026, status="reporting", reporting_deadline=deadline
        )
        for i in range(min(BLOC_SIZE, count - b * BLOC_SIZE)):
            n = b * BLOC_SIZE + i
            board = blocs.board_upsert(
                short_name=f"BQL bench {n}",
                name=f"Ban Quản lý benchmark {n}",
                province=f"Tỉnh {n}",
                manages_kcn=True,
            )
            blocs.membership_set(bloc_year=year, board=board)
            user = User(username=f"bench{n}", email=f"bql{n}@bench.example.vn")
            user.set_unusable_password()
            user.save()
            blocs.user_set_role(user=user, role="board_officer", board=board)
        pledges.submissions_prepare(bloc_year=year, actor=None)

    started = time.perf_counter()
    call_command("send_reminders", stdout=open(os.devnull, "w"))  # noqa: SIM115
    enqueue_s = time.perf_counter() - started
    started = time.perf_counter()
    call_command("db_worker", batch=True, interval=0, startup_delay=False)
    worker_s = time.perf_counter() - started
    received = len(server.messages)
    server.stop()
    emit(
        {
            "reminders": count,
            "enqueue_s": round(enqueue_s, 2),
            "worker_s": round(worker_s, 2),
            "per_s": round(received / worker_s, 1) if worker_s else 0,
            "received": received,
            "sent": Delivery.objects.filter(status="sent").count(),
        }
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
