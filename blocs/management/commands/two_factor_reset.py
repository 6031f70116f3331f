from django.core.management.base import BaseCommand, CommandError

from blocs.models import User
from blocs.two_factor import two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove a user's two-factor devices (authenticator and recovery codes), "
        "for a lost phone: the user sets it up again at the next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        two_factor_reset(user=user, actor=None)
        self.stdout.write(f"Two-factor devices of {username} removed.")
