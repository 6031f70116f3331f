"""A 10,000-row values file through the admin's import, as the secretariat
does it: upload and preview, then confirm (``pledges/importexport.py`` behind
django-import-export's admin views). ``python -m bench.importing ROWS``.

Set-up, not timed: the scale data's latest years are reopened (status back to
reporting, reports back to draft) so that their figures may change."""

import re
import sys
import time

from bench.common import emit, login, setup, superuser

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def main(rows: int) -> None:
    setup()
    import tablib
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from blocs.models import BlocYear
    from demodata import scale
    from pledges.models import Indicator, Submission, Value

    synthetic = BlocYear.objects.filter(bloc__short_name__startswith=scale.PREFIX)
    chosen, count = [], 0
    for year in sorted(set(synthetic.values_list("year", flat=True)), reverse=True):
        chosen.append(year)
        count += Value.objects.filter(
            submission__bloc_year__in=synthetic.filter(year=year)
        ).count()
        if count >= rows:
            break
    years = synthetic.filter(year__in=chosen)
    years.update(status=BlocYear.Status.REPORTING)
    Submission.objects.filter(bloc_year__in=years).update(
        status=Submission.Status.DRAFT
    )
    values = (
        Value.objects.filter(submission__bloc_year__in=years)
        .order_by("submission__bloc_year__bloc__short_name", "submission_id", "pk")
        .values_list(
            "pk",
            "submission__bloc_year__bloc__short_name",
            "submission__bloc_year__year",
            "submission__board__short_name",
            "indicator__code",
            "indicator__kind",
            "indicator__max_value",
            "plan",
            "actual",
        )[:rows]
    )
    data, expected = [], {}
    for pk, bloc, year, board, code, kind, top, plan, actual in values:
        new = actual
        if actual is not None and kind == Indicator.Kind.BOOLEAN:
            new = 1 - actual
        elif actual is not None:
            new = actual + 1 if top is None or actual + 1 <= top else actual - 1
        expected[pk] = new
        cells = [plan, new]
        data.append(
            [bloc, year, board, code]
            + ["" if c is None else format(c.normalize(), "f") for c in cells]
        )
    headers = ["bloc", "year", "board", "indicator", "plan", "actual"]
    content = tablib.Dataset(*data, headers=headers).export("csv").encode()
    client = Client()
    login(client, superuser())
    start = time.perf_counter()
    preview = client.post(
        reverse("admin:pledges_value_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("values.csv", content),
        },
    )
    previewed = time.perf_counter()
    # The confirm form's hidden fields, as the browser would send them back.
    confirm = dict(HIDDEN.findall(preview.content.decode()))
    ok = preview.status_code == 200 and "import_file_name" in confirm
    done = None
    if ok:
        done = client.post(reverse("admin:pledges_value_process_import"), confirm)
    finished = time.perf_counter()
    stored = dict(Value.objects.filter(pk__in=expected).values_list("pk", "actual"))
    written = sum(1 for pk, new in expected.items() if stored.get(pk) == new)
    emit(
        {
            "rows": len(data),
            "preview_s": round(previewed - start, 2),
            "confirm_s": round(finished - previewed, 2),
            "total_s": round(finished - start, 2),
            "ok": ok and done is not None and done.status_code == 302,
            "written": written,
        }
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
