import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports import backup


class Command(BaseCommand):
    help = (
        "Restore a bloc-year written by backup_year, with the same ids, into an "
        "empty database or in place of a deleted bloc-year. An existing year is "
        "refused unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file written by backup_year.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the bloc-year if it exists, then restore it.",
        )

    def handle(self, *args, **options):
        try:
            document = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        try:
            count = backup.year_restore(document=document, replace=options["replace"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"{document['bloc']} {document['year']}: {count} rows restored"
        )
