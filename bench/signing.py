"""What signing adds to publishing: the summary report of an 11-board,
40-indicator bloc-year rendered as for publication, then signed with a
throw-away CA's PKCS#12 signer (as ``make run`` does), in the same process.
``python -m bench.signing RUNS`` prints the medians and their ratio."""

import sys
import tempfile
import time
from pathlib import Path

from bench.common import emit, median, setup

PASSWORD = "bench"  # noqa: S105 (a throw-away CA made for this run)


def main(runs: int) -> None:
    setup()
    from django.conf import settings

    from blocs.models import BlocYear
    from demodata import scale
    from demodata.democa import write_demo_ca
    from reports import documents, signing

    folder = Path(tempfile.mkdtemp(prefix="portal-bench-ca-"))
    paths = write_demo_ca(folder, password=PASSWORD)
    settings.SIGNING_PKCS12_FILE = str(paths["signer"])
    settings.SIGNING_PKCS12_PASSWORD = PASSWORD
    settings.SIGNING_TRUST_ROOTS = [str(paths["ca"])]
    bloc_year = (
        BlocYear.objects.filter(bloc__short_name__startswith=scale.PREFIX)
        .order_by("-year")
        .first()
    )

    def render():
        return documents.render("summary", bloc_year, draft=False)

    pdf = render()
    signed = signing.sign_pdf(pdf)  # warm: key, stamp font (once per process)
    assert signing.signatures_of(signed)[0].intact
    render_times, sign_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render()
        render_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        signing.sign_pdf(pdf, reason="bench", location=bloc_year.bloc.name)
        sign_times.append(time.perf_counter() - start)
    emit(
        {
            "year": str(bloc_year),
            "boards": bloc_year.memberships.count(),
            "indicators": bloc_year.indicators.count(),
            "render_s": round(median(render_times), 3),
            "sign_s": round(median(sign_times), 3),
            "ratio": round(median(sign_times) / median(render_times), 3),
            "runs": runs,
        }
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
