"""Boards over time on the demo: a rename leaves every closed year's pages,
exports and documents as they were; a rename reaching into a closed year is
refused; the 2026 year holds only boards of provinces that outlived the
2025 merger; the ministry's chart follows a successor through its
predecessors' figures; the API gives dated names.

The demo is loaded once for the module; each test runs in a savepoint."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse

from blocs import services as bloc_services
from blocs.models import AuditEvent, BlocYear, Board, BoardName, Membership, User
from demodata.merger import CEASED_PROVINCES
from pledges.models import Submission, Value
from reports import documents, selectors
from reports.models import Publication
from scoring.models import Score, VotingRound
from tests import factories
from tests.reports.test_demo import pdf_text

pytestmark = pytest.mark.django_db

CLOSED = [("TN-DHMT", 2023), ("DHMT", 2016)]
EXPORT = "admin:pledges_value_export"
# Members of both closed years, renamed from 2026 (after the 2025 merger).
RENAMED = {
    "KKT Dung Quất": ("Ban Quản lý Khu kinh tế Dung Quất mới", "BQL Dung Quất mới"),
    "KKT Vân Phong": ("Ban Quản lý Khu kinh tế Vân Phong mới", "BQL Vân Phong mới"),
}


@pytest.fixture
def ministry(client_for):
    # Demo logins work only with DEBUG on: a superuser of the test's own.
    return client_for(factories.user(superuser=True))


def _year(short: str, year: int) -> BlocYear:
    return BlocYear.objects.select_related("bloc").get(
        bloc__short_name=short, year=year
    )


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
# The overview's filter offers boards by their current names: not a year's.
BOARD_FILTER = re.compile(r'<select name="board".*?</select>', re.DOTALL)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return BOARD_FILTER.sub("", TOKEN.sub("", response.content.decode()))


def _closed_years_as_shown(client) -> dict[str, str]:
    """Everything a closed year shows: its pages, its rows of the ministry
    export, its documents' text (rendered now, as a draft would be)."""
    shown = {}
    for short, year in CLOSED:
        bloc_year = _year(short, year)
        urls = [
            reverse("reports:year_documents", args=[bloc_year.pk]),
            reverse("scoring:ranking", args=[bloc_year.pk]),
            f"/api/bloc-years/{bloc_year.pk}/",
            f"{reverse('reports:compare')}?year={year}",
        ]
        urls += [
            reverse("pledges:submission", args=[pk])
            for pk in Submission.objects.filter(bloc_year=bloc_year).values_list(
                "pk", flat=True
            )
        ]
        urls += [
            reverse("scoring:score", args=[pk])
            for pk in Score.objects.filter(bloc_year=bloc_year).values_list(
                "pk", flat=True
            )
        ]
        urls += [
            reverse("scoring:round", args=[pk])
            for pk in VotingRound.objects.filter(bloc_year=bloc_year).values_list(
                "pk", flat=True
            )
        ]
        for url in urls:
            shown[url] = _page(client, url)
        export = client.post(
            f"{reverse(EXPORT)}?submission__bloc_year__id__exact={bloc_year.pk}",
            {"resource": "0", "format": "0"},
        )
        assert export.status_code == 200
        shown[f"export {short} {year}"] = export.content.decode()
        for kind in Publication.Kind.values:
            content = documents.render(kind, bloc_year, draft=True)
            shown[f"{kind} {short} {year}"] = pdf_text(content, layout=True)
    shown["overview"] = _page(client, f"{reverse('reports:overview')}?year=2023")
    return shown


def _rename_after_the_closed_years() -> None:
    admin = User.objects.get(username="admin")
    for short, (name, new_short) in RENAMED.items():
        bloc_services.board_rename(
            board=Board.objects.get(short_name=short),
            name=name,
            short_name=new_short,
            valid_from=dt.date(2026, 1, 1),
            actor=admin,
        )


def test_renaming_leaves_every_closed_years_pages_exports_and_documents(demo, ministry):
    before = _closed_years_as_shown(ministry)
    # The old names are there to be kept (else the test proves nothing).
    assert "KKT Dung Quất" in before["export TN-DHMT 2023"]
    assert "Dung Quất" in before["summary TN-DHMT 2023"]
    _rename_after_the_closed_years()
    after = _closed_years_as_shown(ministry)
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    # An open year shows the new names.
    open_year = _year("TN-DHMT", 2026)
    sub = Submission.objects.get(
        bloc_year=open_year, board__short_name="BQL Dung Quất mới"
    )
    page = _page(ministry, reverse("pledges:submission", args=[sub.pk]))
    assert "Ban Quản lý Khu kinh tế Dung Quất mới" in page


def test_a_renamed_closed_year_would_have_changed_without_dated_names(demo, ministry):
    """The check above can fail: a board's current name, written over the
    old one without a dated record, does reach a closed year's export."""
    before = _closed_years_as_shown(ministry)["export TN-DHMT 2023"]
    Board.objects.filter(short_name="KKT Vân Phong").update(short_name="Đổi tên")
    after = _closed_years_as_shown(ministry)["export TN-DHMT 2023"]
    assert before != after
    assert "Đổi tên" in after


def test_a_rename_reaching_into_a_closed_year_is_refused(demo):
    board = Board.objects.get(short_name="KKT Dung Quất")
    events, names = AuditEvent.objects.count(), BoardName.objects.count()
    with pytest.raises(ValidationError) as refused:
        bloc_services.board_rename(
            board=board,
            name="Tên khác",
            short_name="Tên khác",
            valid_from=dt.date(2023, 6, 1),
            actor=None,
        )
    assert "năm 2023 đã khóa sổ" in refused.value.messages[0]
    board.refresh_from_db()
    assert board.short_name == "KKT Dung Quất"
    assert BoardName.objects.count() == names
    assert AuditEvent.objects.count() == events


def test_a_rename_is_audited_and_keeps_the_old_name_for_its_dates(demo):
    board = Board.objects.get(short_name="KKT Vân Phong")
    old_name = board.name
    bloc_services.board_rename(
        board=board,
        name="Tên mới",
        short_name="Vân Phong mới",
        valid_from=dt.date(2027, 1, 1),
        actor=None,
    )
    former = BoardName.objects.get(board=board, valid_until=dt.date(2026, 12, 31))
    assert (former.name, former.short_name) == (old_name, "KKT Vân Phong")
    event = AuditEvent.objects.filter(action="board.rename").latest("pk")
    assert event.changes["short_name"] == ["KKT Vân Phong", "Vân Phong mới"]


# The 2025 merger in the demo ----------------------------------------------------


def _provinces(short: str, year: int) -> set[str]:
    from blocs.selectors import boards_named_in

    boards = [
        m.board
        for m in Membership.objects.filter(bloc_year=_year(short, year)).select_related(
            "board"
        )
    ]
    boards_named_in(boards, year=year)
    return {b.province for b in boards}


def test_the_2026_demo_year_holds_no_board_of_a_province_that_ceased(demo):
    assert _provinces("TN-DHMT", 2026).isdisjoint(CEASED_PROVINCES)
    # Before the merger the bloc did hold such boards (the check can fail).
    assert {"Kon Tum", "Bình Định", "Phú Yên", "Quảng Nam"} <= _provinces(
        "TN-DHMT", 2023
    )


def test_the_demo_successors_bear_sourced_or_inferred_names(demo):
    dung_quat = Board.objects.get(short_name="KKT Dung Quất")
    assert dung_quat.name == (
        "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi"
    )
    assert "1499/QĐ-TTg" in dung_quat.name_source
    assert not dung_quat.name_inferred
    assert Board.objects.get(short_name="KCN Lâm Đồng").name_inferred
    chu_lai = Board.objects.get(short_name="KKT mở Chu Lai")
    assert chu_lai.province == "Đà Nẵng"
    # Its closed years keep Quảng Nam and the old name.
    former = chu_lai.past_names.get()
    assert former.province == "Quảng Nam"
    assert former.name == "Ban Quản lý Khu kinh tế mở Chu Lai tỉnh Quảng Nam"


def test_an_inferred_name_is_printed_so(demo, client_for):
    board = Board.objects.get(short_name="KCN Lâm Đồng")
    officer = factories.user(role="board_officer", board=board)
    client = client_for(officer)
    sub = Submission.objects.get(bloc_year=_year("TN-DHMT", 2026), board=officer.board)
    page = _page(client, reverse("pledges:submission", args=[sub.pk]))
    assert "(tên suy luận)" in page


# Trends through predecessors --------------------------------------------------


def _actual(boards: list[str], year: int, code: str) -> Decimal:
    return Value.objects.filter(
        submission__board__short_name__in=boards,
        submission__bloc_year__year=year,
        submission__status=Submission.Status.APPROVED,
        indicator__code=code,
    ).aggregate(total=Sum("actual"))["total"]


def test_a_successors_history_includes_its_predecessors_figures(demo, ministry):
    code = "new-capital-usd"
    own = _actual(["KKT Dung Quất"], 2023, code)
    with_kon_tum = _actual(["KKT Dung Quất", "KKT Kon Tum"], 2023, code)
    assert own is not None
    assert with_kon_tum > own
    dung_quat = Board.objects.get(short_name="KKT Dung Quất")
    admin = User.objects.get(username="admin")
    years, series = selectors.board_totals_over_years(
        user=admin, code=code, board_id=dung_quat.pk
    )
    assert 2023 in years
    label, totals = series[0]
    assert label.startswith("KKT Dung Quất")
    assert "KKT Kon Tum" in label
    assert totals[2023] == with_kon_tum.quantize(totals[2023])
    page = _page(
        ministry,
        f"{reverse('reports:overview')}?board={dung_quat.pk}&indicator={code}",
    )
    assert f"{label} 2023:" in page


def test_the_overview_chart_of_a_board_without_successions_is_its_own(demo):
    code = "new-capital-usd"
    admin = User.objects.get(username="admin")
    board = Board.objects.get(short_name="KKT Vân Phong")
    _years, series = selectors.board_totals_over_years(
        user=admin, code=code, board_id=board.pk
    )
    label, totals = series[0]
    assert label == "KKT Vân Phong"
    own = _actual(["KKT Vân Phong"], 2023, code)
    assert totals[2023] == own.quantize(totals[2023])


# The API ----------------------------------------------------------------------


def test_the_api_gives_boards_with_dated_names_and_years_with_their_names(
    demo, ministry
):
    _rename_after_the_closed_years()
    board = Board.objects.get(short_name="BQL Dung Quất mới")
    row = ministry.get(f"/api/boards/{board.pk}/").json()
    assert row["short_name"] == "BQL Dung Quất mới"
    assert [n["short_name"] for n in row["former_names"]] == [
        "KKT Dung Quất",
        "KKT Dung Quất",
    ]
    assert row["former_names"][-1]["valid_until"] == "2025-12-31"
    kon_tum = Board.objects.get(short_name="KKT Kon Tum")
    assert {p["predecessor"] for p in row["predecessors"]} == {kon_tum.pk}
    year = _year("TN-DHMT", 2023)
    members = ministry.get(f"/api/bloc-years/{year.pk}/").json()["members"]
    assert "KKT Dung Quất" in {m["short_name"] for m in members}
    assert "BQL Dung Quất mới" not in {m["short_name"] for m in members}
