"""The issuing ministry is a dated record: a document carries the ministry
the bloc reported to on the document's date, not today's."""

import datetime as dt

import pytest

from blocs.selectors import ministry_on
from reports import documents
from tests import factories


@pytest.fixture
def finance_bloc(db):
    factories.ministry(
        short_name="BKHĐT",
        name="Bộ Kế hoạch và Đầu tư",
        valid_from=dt.date(1995, 11, 1),
        valid_until=dt.date(2025, 2, 28),
    )
    finance = factories.ministry(
        short_name="BTC", name="Bộ Tài chính", valid_from=dt.date(2025, 3, 1)
    )
    return factories.bloc(ministry=finance)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 1, 11), "Bộ Kế hoạch và Đầu tư"),
        (dt.date(2025, 2, 28), "Bộ Kế hoạch và Đầu tư"),
        (dt.date(2025, 3, 1), "Bộ Tài chính"),
        (dt.date(2026, 12, 20), "Bộ Tài chính"),
    ],
)
def test_ministry_on_the_day(finance_bloc, day, expected):
    assert ministry_on(bloc=finance_bloc, day=day).name == expected


def test_a_2023_document_names_the_ministry_of_its_day(finance_bloc):
    board = factories.board()
    old = factories.bloc_year(bloc=finance_bloc, year=2023, members=[board], head=board)
    old.conference_date = dt.date(2023, 12, 28)
    new = factories.bloc_year(bloc=finance_bloc, year=2026, members=[board], head=board)
    new.conference_date = dt.date(2026, 12, 20)
    assert documents.build_summary(old)["parent_body"] == "BỘ KẾ HOẠCH VÀ ĐẦU TƯ"
    assert documents.build_summary(new)["parent_body"] == "BỘ TÀI CHÍNH"


def test_a_ministry_without_predecessor_stays(db):
    bloc = factories.bloc(ministry=factories.ministry(valid_from=dt.date(2020, 1, 1)))
    assert ministry_on(bloc=bloc, day=dt.date(2010, 1, 1)) == bloc.ministry
