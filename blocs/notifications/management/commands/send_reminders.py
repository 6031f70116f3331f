from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from blocs.notifications import services, tasks


class Command(BaseCommand):
    help = _(
        "Send every reminder that is due (deadlines in 7, 3 and 1 days, rounds "
        "closing within 24 hours) and print how many were sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=_("Leave the work to the task worker instead of doing it here."),
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="MINUTES",
            help=_(
                "With --enqueue: the worker runs the reminders again every "
                "MINUTES (once: a second chain would only find nothing new)."
            ),
        )

    def handle(self, *args, enqueue: bool = False, every: int = 0, **options):
        if enqueue or every:
            tasks.reminders_send.enqueue(every)
            self.stdout.write(_("Reminders queued for the worker."))
            return
        count = services.reminders_send()
        # Mail a worker lost track of (a task row removed by hand, a crash)
        # is picked up again here: nothing waits forever.
        services.deliveries_enqueue_if_due()
        self.stdout.write(
            _("%(count)s reminders sent.") % {"count": count}, ending="\n"
        )
