from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Print where the portal's e-mail goes (EMAIL_URL or EMAIL_*).")

    def handle(self, *args, **options):
        backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        if backend == "filebased":
            where = _("written as files to %(path)s") % {
                "path": settings.EMAIL_FILE_PATH
            }
        elif backend == "smtp":
            where = _("sent through the SMTP server %(host)s:%(port)s") % {
                "host": settings.EMAIL_HOST,
                "port": settings.EMAIL_PORT,
            }
        elif backend == "console":
            where = _("printed by the task worker")
        else:
            where = settings.EMAIL_BACKEND
        self.stdout.write(
            _("E-mail: %(where)s (set EMAIL_URL to change).") % {"where": where}
        )
