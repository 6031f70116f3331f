"""The register of document numbers: one per issuing bloc and calendar year,
the next free number proposed, reserved or typed, never used twice."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from blocs import services as blocs
from blocs.models import BlocYear
from pledges import services as pledges
from reports import services
from reports.models import DocumentNumber
from tests import factories
from tests.reports.test_documents import pdf_text


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_two_years_of_one_bloc_get_different_numbers(world, media):
    secretariat = world.users["secretariat"]
    year_2023 = blocs.bloc_year_upsert(
        bloc=world.own,
        year=2023,
        conference_date=dt.date(2023, 12, 28),
        status=BlocYear.Status.VOTING,
    )
    factories.sections(year_2023)
    year_2024 = factories.bloc_year(
        bloc=world.own, year=2024, members=world.own_boards, head=world.own_boards[0]
    )
    # The next year's pledge is signed at this year's conference.
    pledges.pledge_create(
        bloc_year=year_2024, actor=secretariat, signing_date=dt.date(2023, 12, 28)
    )
    summary = services.document_publish(
        bloc_year=year_2023, kind="summary", actor=secretariat
    )
    pledge = services.document_publish(
        bloc_year=year_2024, kind="pledge", actor=secretariat
    )
    assert (summary.number, pledge.number) == ("01/BC-KTĐ", "02/GU-KTĐ")
    assert "Số: 01/BC-KTĐ" in pdf_text(summary.file.open("rb").read())
    assert "Số: 02/GU-KTĐ" in pdf_text(pledge.file.open("rb").read())
    # A new version keeps the document's number.
    again = services.document_publish(
        bloc_year=year_2023, kind="summary", actor=secretariat
    )
    assert again.number == "01/BC-KTĐ"
    # Another bloc has its own register.
    other = services.document_number_reserve(
        bloc_year=world.other_year,
        kind="summary",
        actor=world.users["other_secretariat"],
        year=2023,
    )
    assert other.number == 1


def test_next_free_number_is_proposed_and_a_typed_one_is_kept(world):
    secretariat = world.users["secretariat"]
    year = world.own_year
    assert services.document_number_next(bloc_year=year, year=2023) == 1
    typed = services.document_number_reserve(
        bloc_year=year, kind="minutes", actor=secretariat, year=2023, number=15
    )
    assert typed.number == 15
    assert services.document_number_next(bloc_year=year, year=2023) == 16
    reserved = services.document_number_reserve(
        bloc_year=year, kind="summary", actor=secretariat, year=2023
    )
    assert reserved.number == 16
    assert "Số: 15/BB-KTĐ" in pdf_text(
        services.document_draft(bloc_year=year, kind="minutes", actor=secretariat)
    )


def test_a_number_cannot_be_used_twice(world):
    secretariat = world.users["secretariat"]
    year = world.own_year
    services.document_number_reserve(
        bloc_year=year, kind="minutes", actor=secretariat, year=2023, number=7
    )
    with pytest.raises(ValidationError, match="đã được dùng"):
        services.document_number_reserve(
            bloc_year=year, kind="summary", actor=secretariat, year=2023, number=7
        )
    with pytest.raises(ValidationError, match="đã có số 7"):
        services.document_number_reserve(
            bloc_year=year, kind="minutes", actor=secretariat, year=2023, number=8
        )
    assert list(DocumentNumber.objects.values_list("kind", "number")) == [
        ("minutes", 7)
    ]
    # The database itself refuses a second use.
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentNumber.objects.create(
            bloc=world.own, year=2023, number=7, bloc_year=year, kind="summary"
        )


@pytest.mark.parametrize("role", ["other_secretariat", "board_officer", "ministry"])
def test_only_the_years_secretariat_reserves_numbers(world, role):
    with pytest.raises(PermissionDenied):
        services.document_number_reserve(
            bloc_year=world.own_year, kind="summary", actor=world.users[role], year=2023
        )
    assert not DocumentNumber.objects.exists()
