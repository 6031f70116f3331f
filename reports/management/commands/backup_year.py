from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports import backup


class Command(BaseCommand):
    help = (
        "Write one bloc-year (members, catalogue, pledge, reports, values, evidence "
        "metadata, scores, rounds, ballots, publications and their audit events) to "
        "a JSON file with its ids. Uploaded files are not included: back up "
        "MEDIA_ROOT too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True, help="The bloc's short name.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="The file to write.")

    def handle(self, *args, **options):
        try:
            document = backup.year_dump(bloc=options["bloc"], year=options["year"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        Path(options["out"]).write_text(backup.year_dumps(document), encoding="utf-8")
        self.stdout.write(
            f"{options['bloc']} {options['year']}: {len(document['objects'])} rows "
            f"and {len(document['context'])} context rows written to {options['out']}"
        )
