"""Render time of the summary report of an 11-board, 40-indicator bloc-year:
``reports.documents.render`` (context, template, WeasyPrint) against bare
WeasyPrint on the very same HTML. ``python -m bench.pdfbench RUNS``."""

import sys
import time

from bench.common import emit, median, setup


def main(runs: int) -> None:
    setup()
    from django.conf import settings
    from weasyprint import HTML

    from blocs.models import BlocYear
    from demodata import scale
    from reports import documents

    bloc_year = (
        BlocYear.objects.filter(bloc__short_name__startswith=scale.PREFIX)
        .order_by("-year")
        .first()
    )
    html = documents.render_preview("summary", bloc_year)
    base_url = str(settings.BASE_DIR) + "/"

    def portal():
        return documents.render("summary", bloc_year, draft=True)

    def bare():
        return HTML(string=html, base_url=base_url).write_pdf()

    portal(), bare()  # warm: fonts, templates, imports
    portal_times, bare_times = [], []
    for _ in range(runs):  # interleaved, so that a busy moment hits both
        for fn, times in ((portal, portal_times), (bare, bare_times)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    emit(
        {
            "year": str(bloc_year),
            "boards": bloc_year.memberships.count(),
            "indicators": bloc_year.indicators.count(),
            "portal_s": round(median(portal_times), 3),
            "bare_s": round(median(bare_times), 3),
            "ratio": round(median(portal_times) / median(bare_times), 3),
            "runs": runs,
        }
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
