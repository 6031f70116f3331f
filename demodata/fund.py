"""Demo of the bloc's fund (quỹ khối) of the Tây Nguyên và Duyên hải miền
Trung bloc: seed 003 records that the bloc adopted rules for managing and
using its fund, but no seed states a contribution, an expense or a balance,
so every figure here is illustrative and the fund is marked so (the summary
report prints "Số liệu minh họa" above its statement).

It runs before demodata.reports, which closes 2023: a closed year's fund
cannot change. Idempotent: a year whose fund exists is left alone."""

import datetime as dt
from decimal import Decimal as D

from django.utils import timezone

from blocs.fund import services
from blocs.fund.models import FundYear
from blocs.models import BlocYear, Board, User
from demodata.blocs import TN_DHMT

NOTE = "Số liệu minh họa: các nguồn không công bố số liệu quỹ của Khối."
DUE = D(10_000_000)
# (year, carried over, boards that had not paid, expenses (day, purpose, amount))
YEARS = [
    (
        2023,
        D(18_500_000),
        {"KKT Phú Yên"},
        [
            (dt.date(2023, 6, 15), "Hội nghị sơ kết 6 tháng", D(22_000_000)),
            (
                dt.date(2023, 12, 28),
                "Tổ chức Hội nghị tổng kết công tác thi đua năm 2023",
                D(65_000_000),
            ),
        ],
    ),
    # 2026 has the successor boards of the 2025 merger (demodata.merger).
    (2026, D(31_500_000), {"KCN Đắk Lắk", "KCN Lâm Đồng"}, []),
]


def _day(year: int) -> dt.date:
    """When members paid: end of March, never after today (the demo may be
    loaded early in the year)."""
    return min(dt.date(year, 3, 31), timezone.localdate())


def load(*, stdout) -> None:
    actor = User.objects.get(username="khoitruong")
    for year, opening, unpaid, expenses in YEARS:
        bloc_year = BlocYear.objects.filter(bloc__short_name=TN_DHMT, year=year).first()
        if (
            bloc_year is None
            or bloc_year.status == BlocYear.Status.CLOSED
            or FundYear.objects.filter(bloc_year=bloc_year).exists()
        ):
            continue
        fund = services.fund_year_open(
            bloc_year=bloc_year,
            actor=actor,
            opening_balance=opening,
            illustrative=True,
            note=NOTE,
        )
        # The year's own members: 2026 is after the merger of provinces.
        boards = Board.objects.filter(memberships__bloc_year=bloc_year).order_by("pk")
        for board in boards:
            paid = board.short_name not in unpaid
            services.contribution_set(
                fund_year=fund,
                board=board,
                due=DUE,
                paid=DUE if paid else D(0),
                paid_on=_day(year) if paid else None,
                actor=actor,
            )
        for day, purpose, amount in expenses:
            services.expense_add(
                fund_year=fund,
                purpose=purpose,
                spent_on=day,
                amount=amount,
                actor=actor,
            )
        stdout.write(f"Fund of {bloc_year} (illustrative).")
