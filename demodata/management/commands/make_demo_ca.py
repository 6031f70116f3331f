from pathlib import Path

from django.core.management.base import BaseCommand

from demodata.democa import write_demo_ca


class Command(BaseCommand):
    help = (
        "Create a throw-away certificate authority and document signer "
        "(ca.pem, signer.p12) for development and tests; never for real use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder to write into")
        parser.add_argument("--password", default="demo", help="password of signer.p12")

    def handle(self, *args, out, password, **options):
        paths = write_demo_ca(Path(out), password=password)
        self.stdout.write(f"SIGNING_TRUST_ROOTS={paths['ca']}")
        self.stdout.write(f"SIGNING_PKCS12_FILE={paths['signer']}")
