from django.core.management.base import BaseCommand, CommandError

from demodata import scale


class Command(BaseCommand):
    help = (
        "Generate a synthetic ministry-wide data set for benchmarks: blocs x boards "
        "x years x indicators, each year's cycle done (pledges signed, reports "
        "approved, scores, closed votes), every year closed but the last. Names are "
        "marked 'giả lập'. Needs a database without scale data."
    )

    def add_arguments(self, parser):
        default = scale.Size()
        parser.add_argument("--blocs", type=int, default=default.blocs)
        parser.add_argument("--boards", type=int, default=default.boards)
        parser.add_argument("--years", type=int, default=default.years)
        parser.add_argument("--indicators", type=int, default=default.indicators)
        parser.add_argument(
            "--last-year",
            type=int,
            default=default.last_year,
            help="The last (open) year; the others precede it.",
        )
        parser.add_argument("--seed", type=int, default=default.seed)

    def handle(self, *args, **options):
        size = scale.Size(
            blocs=options["blocs"],
            boards=options["boards"],
            years=options["years"],
            indicators=options["indicators"],
            last_year=options["last_year"],
            seed=options["seed"],
        )
        self.stdout.write(
            f"Generating {size.blocs} blocs x {size.boards} boards x {size.years} "
            f"years x {size.indicators} indicators (seed {size.seed})"
        )
        try:
            counts = scale.generate(size, progress=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        seconds = counts.pop("seconds", 0)
        for label, n in sorted(counts.items()):
            self.stdout.write(f"  {label:<24} {n:>9,}")
        self.stdout.write(self.style.SUCCESS(f"Scale data generated in {seconds} s."))
