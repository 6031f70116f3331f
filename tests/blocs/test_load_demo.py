"""The demo data holds the seed reports' blocs, boards, heads and deputies."""

import base64
import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp

from blocs.models import Bloc, BlocYear, Membership
from blocs.selectors import dated_board_field
from demodata.blocs import DEMO_TOTP_SECRET

PASSWORD = "demo-portal-2026"


def _members(short, year, **filters):
    """The members' names as that year knew them (before the 2025 merger)."""
    return set(
        Membership.objects.filter(
            bloc_year__bloc__short_name=short, year=year, **filters
        )
        .annotate(dated=dated_board_field("name", board="board", year="year"))
        .values_list("dated", flat=True)
    )


def _leaders(short, year):
    by = BlocYear.objects.get(bloc__short_name=short, year=year)
    roles = dict(
        by.memberships.exclude(role="member").values_list("role", "board__short_name")
    )
    return roles.get("head"), roles.get("deputy")


SEED_003_BOARDS = {
    "Ban Quản lý Khu kinh tế tỉnh Bình Định",
    "Ban Quản lý Khu công nghệ cao và các Khu công nghiệp Đà Nẵng",
    "Ban Quản lý các Khu công nghiệp tỉnh Đắk Lắk",
    "Ban Quản lý các Khu công nghiệp tỉnh Đắk Nông",
    "Ban Quản lý Khu kinh tế tỉnh Gia Lai",
    "Ban Quản lý Khu kinh tế Vân Phong tỉnh Khánh Hòa",
    "Ban Quản lý Khu kinh tế tỉnh Kon Tum",
    "Ban Quản lý các Khu công nghiệp tỉnh Lâm Đồng",
    "Ban Quản lý Khu kinh tế tỉnh Phú Yên",
    "Ban Quản lý Khu kinh tế mở Chu Lai tỉnh Quảng Nam",
    "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp tỉnh Quảng Ngãi",
}
SEED_002_PROVINCES = {
    "Hòa Bình",
    "Bắc Giang",
    "Thái Nguyên",
    "Tuyên Quang",
    "Yên Bái",
    "Phú Thọ",
    "Bắc Kạn",
}


def test_tay_nguyen_duyen_hai_has_the_eleven_of_seed_003_in_2019_and_2023(demo):
    for year in (2019, 2023, 2024):
        assert _members("TN-DHMT", year) == SEED_003_BOARDS
        assert _members("TN-DHMT", year, confirmed=False) == set()


def test_heads_and_deputies_named_by_the_seeds(demo):
    assert _leaders("DHMT", 2016) == ("KKT Vân Phong", "KKT mở Chu Lai")
    assert _leaders("ĐBSH", 2018) == ("KCN Ninh Bình", None)
    assert _leaders("ĐBSH", 2019) == ("KCN Hải Dương", "KKT Quảng Ninh")
    assert _leaders("TN-DHMT", 2019) == ("KCN Đắk Lắk", None)
    assert _leaders("TDMNPB", 2022) == ("KCN Yên Bái", "KCN Thái Nguyên")
    assert _leaders("TDMNPB", 2023) == ("KCN Thái Nguyên", "KCN Tuyên Quang")
    assert _leaders("TN-DHMT", 2023) == ("KKT Vân Phong", "KKT Dung Quất")
    assert _leaders("TN-DHMT", 2024) == ("KKT Dung Quất", "KKT Kon Tum")


def test_trung_du_has_the_seven_of_seed_002(demo):
    provinces = set(
        Membership.objects.filter(
            bloc_year__bloc__short_name="TDMNPB", year=2022
        ).values_list("board__province", flat=True)
    )
    assert provinces == SEED_002_PROVINCES


def test_counted_blocs_are_completed_and_marked_as_not_named(demo):
    """Seed 001 counts 11 boards and names 3; seed 000 counts 7 and names 3."""
    assert len(_members("ĐBSH", 2018)) == 11
    assert len(_members("ĐBSH", 2018, confirmed=True)) == 3
    assert len(_members("DHMT", 2016)) == 7
    assert _members("DHMT", 2016, confirmed=True) == {
        "Ban Quản lý Khu kinh tế Vân Phong tỉnh Khánh Hòa",
        "Ban Quản lý Khu kinh tế mở Chu Lai tỉnh Quảng Nam",
        "Ban Quản lý các Khu công nghiệp và chế xuất Đà Nẵng",
    }


def test_merger_of_seed_003_is_recorded(demo):
    merged = Bloc.objects.get(short_name="TN-DHMT")
    assert set(merged.merged_from.values_list("short_name", flat=True)) == {
        "DHMT",
        "TN",
    }
    vân_phong = Membership.objects.filter(board__short_name="KKT Vân Phong")
    assert dict(vân_phong.values_list("year", "bloc_year__bloc__short_name")) == {
        2016: "DHMT",
        2019: "TN-DHMT",
        2023: "TN-DHMT",
        2024: "TN-DHMT",
        2026: "TN-DHMT",  # the illustrative reporting year of pledges/demo.py
    }


def _dump():
    models = [m for m in apps.get_app_config("blocs").get_models()]
    rows = []
    for model in models:
        qs = model.objects.order_by("pk")
        rows.append(serializers.serialize("json", qs))
    return rows


def test_loading_twice_changes_nothing(demo):
    first = _dump()
    call_command("load_demo", stdout=io.StringIO())
    assert _dump() == first


def test_demo_logins_are_printed(demo):
    for username in ("admin", "khoitruong", "bql.dungquat", "vu.tdkt"):
        assert username in demo
    assert PASSWORD in demo


@pytest.mark.parametrize(
    ("username", "place"),
    [
        ("admin", "/admin/"),
        ("khoitruong", "/admin/"),
        ("bql.dungquat", "/board/"),
        ("vu.tdkt", None),  # settings.MINISTRY_HOME: a higher app may offer it
    ],
)
def test_each_demo_login_reaches_its_page(demo, client, settings, username, place):
    settings.DEBUG = True
    place = place or reverse(getattr(settings, "MINISTRY_HOME", "blocs:overview"))
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    if username == "admin":
        # The demo superuser passes the second factor with the documented key.
        verify = reverse("two_factor_verify")
        assert client.get(reverse("home"))["Location"].startswith(verify)
        code = totp(base64.b32decode(DEMO_TOTP_SECRET))
        assert client.post(verify, {"code": f"{code:06d}"}).status_code == 302
    assert client.get(reverse("home"))["Location"] == place
    assert client.get(place).status_code == 200


def test_demo_logins_work_only_with_debug_on(demo, client, settings):
    settings.DEBUG = True
    response = client.post(
        reverse("login"), {"username": "bql.dungquat", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("blocs:board")
    client.logout()
    settings.DEBUG = False
    response = client.post(
        reverse("login"), {"username": "bql.dungquat", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
