"""Random spreadsheets at the admin import of values: the preview shows row
errors or the confirm step imports, never a 500; values change only when an
import is confirmed without errors."""

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from blocs.models import AuditEvent
from pledges.models import Value
from tests.fuzz.strategies import FUZZ, numbers, texts
from tests.fuzz.support import rolled_back

HEADERS = ["bloc", "year", "board", "indicator", "plan", "actual"]
CSV, XLSX = "0", "1"


def _stored(year) -> tuple:
    return (
        list(
            Value.objects.filter(submission__bloc_year=year)
            .order_by("pk")
            .values_list("plan", "actual")
        ),
        AuditEvent.objects.count(),
    )


def _csv(rows) -> bytes:
    return tablib.Dataset(*rows, headers=HEADERS).export("csv").encode()


def _xlsx(rows) -> bytes:
    # A workbook cannot hold control characters: openpyxl refuses to write them.
    rows = [
        [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row]
        for row in rows
    ]
    return tablib.Dataset(*rows, headers=HEADERS).export("xlsx")


def test_admin_import_answers_random_files_with_an_error_or_a_success(
    reporting, client_for
):
    year = reporting.own_year
    client = client_for(reporting.users["secretariat"])
    codes = list(year.indicators.values_list("code", flat=True))
    boards = [b.short_name for b in reporting.own_boards + reporting.other_boards]
    cell = st.one_of(numbers, st.integers(), st.floats(), st.none())
    row = st.tuples(
        st.one_of(st.just(year.bloc.short_name), texts),
        st.one_of(st.just(year.year), st.just(str(year.year)), cell),
        st.one_of(st.sampled_from(boards), texts),
        st.one_of(st.sampled_from(codes), texts),
        cell,
        cell,
    ).map(list)
    files = st.one_of(
        st.tuples(st.just(CSV), st.lists(row, max_size=5).map(_csv)),
        st.tuples(st.just(XLSX), st.lists(row, max_size=5).map(_xlsx)),
        st.tuples(st.sampled_from([CSV, XLSX]), st.binary(max_size=200)),
    )

    outcomes = set()

    @FUZZ
    @given(upload=files)
    @example(upload=(CSV, b"\xff\xfe\x00bloc,year\r\n"))
    @example(upload=(XLSX, b"PK\x03\x04 not a workbook"))
    @example(
        upload=(
            CSV,
            _csv([[year.bloc.short_name, year.year, boards[0], codes[0], "5", "6"]]),
        )
    )
    def check(upload):
        fmt, content = upload
        with rolled_back():
            before = _stored(year)
            preview = client.post(
                reverse("admin:pledges_value_import"),
                {
                    "resource": "0",
                    "format": fmt,
                    "import_file": SimpleUploadedFile("values", content),
                },
            )
            assert preview.status_code == 200, preview.status_code
            assert _stored(year) == before  # a preview never writes
            confirm = preview.context.get("confirm_form")
            if confirm is None:
                outcomes.add(False)
                return
            response = client.post(
                reverse("admin:pledges_value_process_import"), confirm.initial
            )
            assert response.status_code in (200, 302), response.status_code
            outcomes.add(response.status_code == 302)
            if response.status_code != 302:
                assert _stored(year) == before

    check()
    assert outcomes == {True, False}  # both kinds of answer were seen
