"""Every character that makes a spreadsheet run a cell as a formula (= + - @,
and tab or carriage return before them, OWASP's CSV injection list) is
neutralised in both export formats of the admin's export (the one export of
the portal: the ministry uses it too)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from blocs import services as bloc_services
from pledges import services
from pledges.models import Indicator
from tests import factories

EXPORT = "admin:pledges_value_export"
CSV, XLSX = "0", "1"  # indices of ValueAdmin.formats
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
DANGEROUS = tuple(PREFIXES)
TEXT_COLUMNS = ["bloc", "board", "indicator", "indicator_name", "unit"]


def _payload(prefix: str) -> str:
    return prefix + 'HYPERLINK("http://evil.example","x")'


@pytest.fixture
def poisoned(world, request):
    prefix = request.param
    year = world.own_year
    services.indicators_copy(bloc_year=year, actor=None)
    board = factories.board(short_name=_payload(prefix))
    bloc_services.membership_set(bloc_year=year, board=board)
    services.submissions_prepare(bloc_year=year, actor=None)
    Indicator.objects.filter(bloc_year=year, code="export").update(
        name=_payload(prefix)
    )
    return world, prefix


def _export(client, year, fmt) -> bytes:
    url = reverse(EXPORT) + f"?submission__bloc_year__id__exact={year.pk}"
    response = client.post(url, {"resource": "0", "format": fmt})
    assert response.status_code == 200, response.content[:300]
    return response.content


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _xlsx_rows(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    for row in rows[1:]:
        assert all(cell.data_type != "f" for cell in row)  # no formula cell
    return [{h: c.value for h, c in zip(headers, row, strict=True)} for row in rows[1:]]


@pytest.mark.parametrize("poisoned", PREFIXES, indirect=True, ids=repr)
@pytest.mark.parametrize("fmt", [CSV, XLSX], ids=["csv", "xlsx"])
def test_every_formula_prefix_is_neutralised_on_export(poisoned, fmt, client_for):
    world, prefix = poisoned
    content = _export(client_for(world.users["secretariat"]), world.own_year, fmt)
    rows = (_csv_rows if fmt == CSV else _xlsx_rows)(content)
    assert rows
    escaped = "'" + _payload(prefix)
    if fmt == XLSX:
        # An XML parser may read a stored carriage return back as a line feed
        # (the standard library's does, lxml does not): compare line ends alike.
        escaped = escaped.replace("\r", "\n")
        for row in rows:
            for column in ("board", "indicator_name"):
                row[column] = (row[column] or "").replace("\r", "\n")
    assert escaped in {row["board"] for row in rows}
    assert escaped in {row["indicator_name"] for row in rows}
    for row in rows:
        for column in TEXT_COLUMNS:
            cell = row[column] or ""
            assert not str(cell).startswith(DANGEROUS), (column, cell)
