from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each module has a load(stdout=...) function; they run in this order (the
# apps' stack: bloc members first, the closed years' documents last), in one
# transaction. A new demo module adds one line here.
DEMO_MODULES = [
    "demodata.blocs",
    "demodata.merger",
    "demodata.pledges",
    "demodata.scoring",
    # Before reports, which closes 2023: a closed year's fund cannot change.
    "demodata.fund",
    "demodata.reports",
]


class Command(BaseCommand):
    help = (
        "Load the demo data of the seed reports (idempotent): the demodata "
        "modules in the apps' order, in one transaction."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            for module_name in DEMO_MODULES:
                import_module(module_name).load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
