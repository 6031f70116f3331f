"""Demo of the reporting cycle: an illustrative current year (2026) of the
Tây Nguyên và Duyên hải miền Trung bloc, open for reporting, so that a board
officer who logs in after `make run` has a pledge to sign and a form to fill.
Its members are the boards of seed 003/004 that outlived the 2025 merger of
provinces (demodata.merger); nothing else about 2026 comes from a seed,
which the year's note says. Idempotent like the rest of load_demo."""

import datetime as dt

from django.utils import timezone

from blocs import services as bloc_services
from blocs.models import Bloc, BlocYear, Board
from demodata.blocs import TN_DHMT
from demodata.merger import TN_DHMT_MEMBERS_2026
from pledges import services
from pledges.models import Pledge

YEAR = 2026
# Seed 004: the 2024 pledge was signed at the 2023 conference, 28/12/2023 in
# Quảng Ngãi.
PLEDGE_2024 = {
    "title": "Giao ước thi đua năm 2024",
    "signing_date": dt.date(2023, 12, 28),
    "signing_place": "Quảng Ngãi",
}


def _pledge_2024(bloc: Bloc) -> None:
    bloc_year = BlocYear.objects.get(bloc=bloc, year=2024)
    if not Pledge.objects.filter(bloc_year=bloc_year).exists():
        services.pledge_create(bloc_year=bloc_year, actor=None, **PLEDGE_2024)


def load(*, stdout) -> None:
    bloc = Bloc.objects.get(short_name=TN_DHMT)
    _pledge_2024(bloc)
    bloc_year = bloc_services.bloc_year_upsert(
        bloc=bloc,
        year=YEAR,
        # Dates relative to the day the demo is (re)loaded: registration
        # closes inside the reminder window (send_reminders has something to
        # send), results stay open long enough for whoever tries the form.
        registration_deadline=timezone.localdate() + dt.timedelta(days=5),
        reporting_deadline=timezone.localdate() + dt.timedelta(days=60),
        note="Năm minh họa cho bản demo (không lấy từ nguồn): mở báo cáo để thử.",
    )
    for board in Board.objects.filter(short_name__in=TN_DHMT_MEMBERS_2026):
        bloc_services.membership_set(
            bloc_year=bloc_year, board=board, confirmed=False, source="demo"
        )
    services.indicators_copy(bloc_year=bloc_year, actor=None)
    pledge = Pledge.objects.filter(bloc_year=bloc_year).first()
    if pledge is None:
        pledge = services.pledge_create(
            bloc_year=bloc_year,
            actor=None,
            title="Giao ước thi đua năm 2026",
            signing_place="Quảng Ngãi",
        )
    services.submissions_prepare(bloc_year=bloc_year, actor=None)
    if pledge.status == Pledge.Status.DRAFT:
        services.pledge_open(pledge=pledge, actor=None)
    bloc_services.bloc_year_upsert(
        bloc=bloc, year=YEAR, status=BlocYear.Status.REPORTING
    )
    stdout.write(f"Reporting year {bloc_year}: open for the demo board officers.")
