"""The admin import refuses files beyond its limits before parsing them,
never shows a traceback, and binds its temporary files to their uploader."""

import io
import zipfile

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from blocs.models import AuditEvent
from pledges import services
from pledges.models import Value
from pledges.services import importing
from tests.conftest import otp_verify

HEADERS = ["bloc", "year", "board", "indicator", "plan", "actual"]
IMPORT = "admin:pledges_value_import"
PROCESS = "admin:pledges_value_process_import"
CSV, XLSX = "0", "1"


@pytest.fixture
def ready(world):
    for year in (world.own_year, world.other_year):
        services.indicators_copy(bloc_year=year, actor=None)
        services.submissions_prepare(bloc_year=year, actor=None)
    return world


@pytest.fixture
def english_client(client_for, settings):
    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def _rows(world, n=1, actual="10"):
    boards = world.own_boards
    return [
        [
            world.own.short_name,
            world.own_year.year,
            boards[i % len(boards)].short_name,
            "export",
            "",
            actual,
        ]
        for i in range(n)
    ]


def _csv(rows, headers=HEADERS) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("csv").encode()


def _xlsx(rows, headers=HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bomb(rows, unpacked_mb=200) -> bytes:
    """A valid workbook whose sheet XML ends in an XML comment of
    ``unpacked_mb`` megabytes: a couple of hundred kilobytes zipped."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            data = source.read(member)
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member.filename, data)
                continue
            with bomb.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(data + b"<!--")
                block = b"x" * (1024 * 1024)
                for _ in range(unpacked_mb):
                    sheet.write(block)
                sheet.write(b"-->")
    return out.getvalue()


def _upload(client, content: bytes, fmt=CSV, name="values.csv"):
    return client.post(
        reverse(IMPORT),
        {
            "resource": "0",
            "format": fmt,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def _nothing_stored(world):
    assert not Value.objects.filter(actual__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="submission.import").exists()


def _form_errors(response) -> list[str]:
    return response.context["form"].errors.get("import_file", [])


# a. Limits before parsing ------------------------------------------------------


def test_xlsx_that_unpacks_to_200_mb_is_refused_in_vietnamese(ready, client_for):
    content = _bomb(_rows(ready))
    assert len(content) < 1024 * 1024  # small on the wire

    response = _upload(client_for(ready.users["secretariat"]), content, XLSX, "b.xlsx")

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    with translation.override("vi"):
        expected = str(importing._too_big().messages[0])
    with translation.override("en"):
        assert expected != str(importing._too_big().messages[0])  # translated
    assert _form_errors(response) == [expected]
    assert expected in response.content.decode()
    _nothing_stored(ready)


def test_xlsx_of_normal_size_still_previews(ready, english_client):
    client = english_client(ready.users["secretariat"])
    response = _upload(client, _xlsx(_rows(ready)), XLSX, "v.xlsx")
    assert "confirm_form" in response.context, _form_errors(response)


@pytest.mark.parametrize(("fmt", "make"), [(CSV, _csv), (XLSX, _xlsx)])
def test_too_many_rows_are_refused(ready, english_client, monkeypatch, fmt, make):
    monkeypatch.setattr(importing, "IMPORT_MAX_ROWS", 5)
    response = _upload(
        english_client(ready.users["secretariat"]), make(_rows(ready, 6)), fmt, "f"
    )
    assert _form_errors(response) == [
        "The file has more than 5 rows: import one bloc-year at a time."
    ]
    _nothing_stored(ready)


@pytest.mark.parametrize(("fmt", "make"), [(CSV, _csv), (XLSX, _xlsx)])
def test_too_many_columns_are_refused(ready, english_client, fmt, make):
    headers = HEADERS + [f"extra{n}" for n in range(40)]
    rows = [row + [""] * 39 + ["x"] for row in _rows(ready)]
    response = _upload(
        english_client(ready.users["secretariat"]), make(rows, headers), fmt, "f"
    )
    assert _form_errors(response) == [
        "The file has more than 30 columns: export the data first to get a file "
        "with the right columns."
    ]
    _nothing_stored(ready)


@pytest.mark.parametrize(("fmt", "make"), [(CSV, _csv), (XLSX, _xlsx)])
def test_an_overlong_cell_is_refused(ready, english_client, fmt, make):
    rows = _rows(ready)
    rows[0][3] = "x" * 3000
    response = _upload(english_client(ready.users["secretariat"]), make(rows), fmt, "f")
    assert _form_errors(response) == [
        "A cell of the file holds more than 2.000 characters."
    ]
    _nothing_stored(ready)


def test_a_file_that_is_not_a_workbook_is_refused_as_xlsx(ready, english_client):
    response = _upload(
        english_client(ready.users["secretariat"]), _csv(_rows(ready)), XLSX, "v.xlsx"
    )
    assert _form_errors(response) == [
        "The file is not an Excel workbook (.xlsx): choose the CSV format?"
    ]


# b. No traceback ----------------------------------------------------------------


def test_import_errors_show_no_traceback_in_production(ready, english_client, settings):
    settings.DEBUG = False
    client = english_client(ready.users["secretariat"])
    rows = [[ready.own.short_name, "", "10"]]
    response = _upload(client, _csv(rows, headers=["bloc", "plan", "actual"]))
    page = response.content.decode()
    assert "The file lacks the columns year, board, indicator." in page
    assert "Traceback" not in page
    assert 'File "/' not in page
    assert ".py" not in page.replace("import.py", "")


# c. Temporary files bound to their uploader -------------------------------------


def _preview(client, world, actual="10"):
    response = _upload(client, _csv(_rows(world, actual=actual)))
    assert "confirm_form" in response.context
    return response.context["confirm_form"].initial


@pytest.mark.parametrize(
    "name", ["made-up", "/etc/passwd", "../../etc/passwd", "tmpabcdef"]
)
def test_confirm_with_a_made_up_file_name_is_a_clear_error(ready, english_client, name):
    client = english_client(ready.users["secretariat"])
    response = client.post(
        reverse(PROCESS),
        {
            "import_file_name": name,
            "original_file_name": "v.csv",
            "format": CSV,
            "resource": "0",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(IMPORT)
    page = client.get(reverse(IMPORT)).content.decode()
    assert "This import is not yours or has expired: upload the file again." in page
    _nothing_stored(ready)


def test_another_users_import_file_is_refused(ready, english_client, settings):
    owner = english_client(ready.users["secretariat"])
    initial = _preview(owner, ready)
    intruder = Client()
    intruder.force_login(ready.users["superuser"])
    otp_verify(intruder, ready.users["superuser"])
    intruder.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = intruder.post(reverse(PROCESS), initial)

    assert response["Location"] == reverse(IMPORT)
    page = intruder.get(reverse(IMPORT)).content.decode()
    assert "This import is not yours or has expired" in page
    _nothing_stored(ready)
    # The owner's file is untouched and still confirms.
    done = owner.post(reverse(PROCESS), initial)
    assert done.status_code == 302
    assert Value.objects.filter(actual=10).count() == 1


def test_a_confirmed_file_cannot_be_confirmed_twice(ready, english_client):
    client = english_client(ready.users["secretariat"])
    initial = _preview(client, ready)
    assert client.post(reverse(PROCESS), initial).status_code == 302
    again = client.post(reverse(PROCESS), initial)
    assert again["Location"] == reverse(IMPORT)
    page = client.get(reverse(IMPORT)).content.decode()
    assert "The previewed file is no longer here: upload the file again." in page


# d. The preview still shows each change -------------------------------------------


def test_preview_shows_each_changed_figure_old_and_new(ready, english_client):
    client = english_client(ready.users["secretariat"])
    _preview(client, ready, actual="10")
    assert client.post(reverse(PROCESS), _preview(client, ready)).status_code == 302

    response = _upload(client, _csv(_rows(ready, actual="12.5")))

    page = response.content.decode()
    assert "<del>10</del> <ins>12.5</ins>" in page
    assert "<span>export</span>" in page
    assert Value.objects.get(actual__isnull=False).actual == 10
