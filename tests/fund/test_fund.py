"""The bloc's fund: sums, the statement in the summary report, closed years,
permissions per role and bad input (issue 11, acceptance 5)."""

import datetime as dt
import re
import subprocess
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from blocs import services as bloc_services
from blocs.fund import calc, services
from blocs.fund.models import Contribution, Expense, FundYear
from blocs.fund.selectors import fund_balance, fund_report, fund_statement
from blocs.models import AuditEvent, BlocYear
from reports.documents import rendering
from tests import factories

DAY = dt.date(2023, 6, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Receipts are written under the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English; their Vietnamese is in the catalogue."""
    with translation.override("en"):
        yield


def test_statement_closing_is_opening_plus_paid_less_expenses():
    s = calc.statement(
        opening=D(1_000_000),
        contributions=[(D(5_000_000), D(5_000_000)), (D(5_000_000), D(2_000_000))],
        expenses=[D(3_000_000), D(500_000)],
    )
    assert (s.due, s.paid, s.expenses) == (D(10_000_000), D(7_000_000), D(3_500_000))
    assert s.outstanding == D(3_000_000)
    assert s.closing == D(4_500_000)


def _books(world, actor=None):
    year = world.own_year
    fund = services.fund_year_open(
        bloc_year=year, actor=actor, opening_balance=D(1_000_000)
    )
    for board, paid in zip(
        world.own_boards, (D(5_000_000), D(5_000_000), D(2_000_000)), strict=True
    ):
        services.contribution_set(
            fund_year=fund,
            board=board,
            due=D(5_000_000),
            paid=paid,
            paid_on=DAY,
            actor=actor,
        )
    services.expense_add(
        fund_year=fund,
        purpose="Tổ chức hội nghị tổng kết",
        spent_on=DAY,
        amount=D(3_000_000),
        actor=actor,
        receipt=SimpleUploadedFile("hoa-don.pdf", b"%PDF-1.4 receipt"),
    )
    return fund


def test_contributions_paid_and_carried_over_less_expenses_is_the_balance(world):
    _books(world, world.users["secretariat"])
    statement = fund_statement(world.own_year)
    assert statement.due == D(15_000_000)
    assert statement.paid == D(12_000_000)
    assert statement.expenses == D(3_000_000)
    assert fund_balance(world.own_year) == D(1_000_000 + 12_000_000 - 3_000_000)
    assert AuditEvent.objects.filter(action__startswith="fund.").count() == 5


def test_the_statement_summed_in_the_database_equals_the_one_summed_from_its_rows(
    world,
):
    """The cockpit sums the fund in SQL (``fund_statement``); the summary
    report sums the rows it prints (``fund_report``): both say the same."""
    _books(world)
    report = fund_report(world.own_year)
    assert report.statement == fund_statement(world.own_year)
    assert len(report.contributions) == 3
    assert len(report.expenses) == 1


def test_the_years_cockpit_shows_the_fund_balance(world, client_for):
    """Issue 11: the cockpit's checklist includes the fund's balance."""
    url = reverse("admin:blocs_blocyear_cockpit", args=[world.own_year.pk])
    client = client_for(world.users["secretariat"])
    assert "Số dư cuối năm" not in client.get(url).text  # no fund yet
    fund = _books(world)
    page = client.get(url).text
    balance = page.split("Số dư cuối năm", 1)[1].split("</tr>", 1)[0]
    assert "10.000.000" in balance
    assert reverse("admin:fund_fundyear_change", args=[fund.pk]) in page


def test_next_year_carries_over_the_closing_balance(world):
    _books(world)
    next_year = factories.bloc_year(
        bloc=world.own, year=world.own_year.year + 1, members=world.own_boards
    )
    fund = services.fund_year_open(bloc_year=next_year, actor=None)
    assert fund.opening_balance == D(10_000_000)


def test_expense_beyond_the_balance_is_refused(world):
    fund = _books(world)
    with pytest.raises(ValidationError, match="10,000,000 đồng"):
        services.expense_add(
            fund_year=fund,
            purpose="Quà tặng",
            spent_on=DAY,
            amount=D(10_000_001),
            actor=None,
        )
    assert Expense.objects.count() == 1


def test_receipt_checked_like_evidence(world):
    fund = _books(world)
    with pytest.raises(ValidationError, match="not really a PDF"):
        services.expense_add(
            fund_year=fund,
            purpose="Văn phòng phẩm",
            spent_on=DAY,
            amount=D(100_000),
            actor=None,
            receipt=SimpleUploadedFile("hoa-don.pdf", b"<html>not a pdf</html>"),
        )
    assert Expense.objects.count() == 1


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_summary_report_prints_the_fund_statement(world):
    fund = _books(world)
    factories.sections(world.own_year)
    text = _pdf_text(rendering.render("summary", world.own_year, draft=True))
    assert "Số dư chuyển từ năm trước" in text
    lines = {
        "Số dư chuyển từ năm trước": "1.000.000",
        "Kinh phí đóng góp phải thu": "15.000.000",
        "Kinh phí đóng góp đã thu": "12.000.000",
        "Kinh phí đóng góp còn phải thu": "3.000.000",
        "Chi trong năm": "3.000.000",
        "Số dư cuối năm": "10.000.000",
    }
    for label, amount in lines.items():
        line = next(row for row in text.splitlines() if label in row)
        assert line.rstrip().endswith(amount), line
    assert "Tổ chức hội nghị tổng kết" in text
    assert "Số liệu minh họa" not in text
    services.fund_year_open(
        bloc_year=world.own_year,
        actor=None,
        opening_balance=fund.opening_balance,
        illustrative=True,
    )
    text = _pdf_text(rendering.render("summary", world.own_year, draft=True))
    assert "Số liệu minh họa" in text


def test_summary_report_without_a_fund_prints_no_fund_table(world):
    factories.sections(world.own_year)
    text = _pdf_text(rendering.render("summary", world.own_year, draft=True))
    assert "Số dư cuối năm" not in text


def _close(world) -> BlocYear:
    return bloc_services.bloc_year_upsert(
        bloc=world.own, year=world.own_year.year, status=BlocYear.Status.CLOSED
    )


def _rows():
    return (
        list(FundYear.objects.values_list("opening_balance", flat=True)),
        list(Contribution.objects.values_list("due", "paid", "paid_on")),
        list(Expense.objects.values_list("amount", flat=True)),
    )


def test_closed_years_fund_cannot_change_through_the_services(world):
    fund = _books(world)
    _close(world)
    fund.refresh_from_db()
    before = _rows()
    calls = [
        lambda: services.fund_year_open(
            bloc_year=fund.bloc_year, actor=None, opening_balance=D(0)
        ),
        lambda: services.contribution_set(
            fund_year=fund, board=world.own_boards[0], due=D(1), actor=None
        ),
        lambda: services.expense_add(
            fund_year=fund, purpose="x", spent_on=DAY, amount=D(1), actor=None
        ),
        lambda: services.expense_delete(expense=Expense.objects.get(), actor=None),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="its fund can no longer change"):
            call()
    assert _rows() == before


def test_closed_years_fund_is_read_only_in_the_admin(world, client_for):
    fund = _books(world)
    _close(world)
    client = client_for(world.users["secretariat"])
    contribution = Contribution.objects.first()
    url = reverse("admin:fund_contribution_change", args=[contribution.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    before = _rows()
    response = client.post(url, {"due": "1", "paid": "0", "paid_on": ""})
    assert response.status_code == 403
    fund_url = reverse("admin:fund_fundyear_change", args=[fund.pk])
    assert b'name="_save"' not in client.get(fund_url).content
    assert client.post(fund_url, {"opening_balance": "0"}).status_code == 403
    expense = Expense.objects.get()
    delete = reverse("admin:fund_expense_delete", args=[expense.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    add = client.post(
        reverse("admin:fund_contribution_add"),
        {
            "fund_year": fund.pk,
            "board": world.own_boards[0].pk,
            "due": "1",
            "paid": "0",
        },
    )
    assert add.status_code == 200  # the closed year is not among the choices
    assert _rows() == before


def test_services_refuse_another_blocs_secretariat_and_the_ministry(world):
    fund = _books(world)
    for role in ("other_secretariat", "ministry", "board_officer"):
        with pytest.raises(PermissionDenied):
            services.contribution_set(
                fund_year=fund,
                board=world.own_boards[0],
                due=D(1),
                actor=world.users[role],
            )
    assert Contribution.objects.get(board=world.own_boards[0]).due == D(5_000_000)


@pytest.mark.parametrize(
    ("role", "changelist", "change", "post"),
    [
        ("anonymous", 302, 302, 302),
        ("board_officer", 302, 302, 302),
        ("other_secretariat", 200, 302, 302),
        ("ministry", 200, 200, 403),
        ("secretariat", 200, 200, 302),
    ],
)
def test_fund_admin_per_role(world, client_for, role, changelist, change, post):
    fund = _books(world)
    contribution = Contribution.objects.get(board=world.own_boards[2])
    client = client_for(world.users[role])
    listing = client.get(reverse("admin:fund_fundyear_changelist"))
    assert listing.status_code == changelist
    if changelist == 200:
        # Another bloc's secretariat sees none of this bloc's books.
        assert (str(world.own_year) in listing.content.decode()) == (
            role != "other_secretariat"
        )
    url = reverse("admin:fund_contribution_change", args=[contribution.pk])
    assert client.get(url).status_code == change
    response = client.post(
        url, {"due": "5.000.000", "paid": "5.000.000", "paid_on": "01/06/2023"}
    )
    assert response.status_code == post
    contribution.refresh_from_db()
    expected = D(5_000_000) if role == "secretariat" else D(2_000_000)
    assert contribution.paid == expected
    if role == "secretariat":
        assert AuditEvent.objects.filter(
            action="fund.contribution", actor=world.users[role]
        ).exists()
    assert FundYear.objects.get() == fund


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Đảm bảo giá trị này lớn hơn hoặc bằng với 0"),
        ("năm triệu", "Nhập một số theo dạng 2.470,7"),
        ("1,5", "Số không được có quá 0 chữ số thập phân."),
        ("1.5", "“1.5” không rõ nghĩa: hãy viết 1,5."),
    ],
)
def test_bad_amounts_refused_with_a_message_and_nothing_stored(
    world, client_for, typed, message
):
    fund = services.fund_year_open(
        bloc_year=world.own_year, actor=None, opening_balance=D(0)
    )
    client = client_for(world.users["secretariat"])
    response = client.post(
        reverse("admin:fund_contribution_add"),
        {
            "fund_year": fund.pk,
            "board": world.own_boards[0].pk,
            "due": typed,
            "paid": "0",
        },
    )
    assert response.status_code == 200
    errors = re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    )
    assert any(message in e for e in errors), errors
    assert not Contribution.objects.exists()


def test_vietnamese_amount_stored_whole(world, client_for):
    fund = services.fund_year_open(
        bloc_year=world.own_year, actor=None, opening_balance=D(0)
    )
    client = client_for(world.users["secretariat"])
    response = client.post(
        reverse("admin:fund_contribution_add"),
        {
            "fund_year": fund.pk,
            "board": world.own_boards[0].pk,
            "due": "1.500.000",
            "paid": "1.500.000",
            "paid_on": "01/06/2023",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    row = Contribution.objects.get()
    assert (row.due, row.paid, row.paid_on) == (D(1_500_000), D(1_500_000), DAY)


def test_payment_without_a_date_or_in_the_future_is_refused(world):
    fund = services.fund_year_open(
        bloc_year=world.own_year, actor=None, opening_balance=D(0)
    )
    with pytest.raises(ValidationError, match="date a payment was made"):
        services.contribution_set(
            fund_year=fund, board=world.own_boards[0], due=D(1), paid=D(1), actor=None
        )
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.contribution_set(
            fund_year=fund,
            board=world.own_boards[0],
            due=D(1),
            paid=D(1),
            paid_on=timezone.localdate() + dt.timedelta(days=3),
            actor=None,
        )
    assert not Contribution.objects.exists()


def test_fund_admin_pages_run_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    _books(world)
    client = client_for(world.users["secretariat"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("admin:fund_fundyear_changelist")).status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("admin:fund_contribution_changelist")).status_code == 200
        )
    fund = FundYear.objects.get()
    with django_assert_max_num_queries(15):
        page = client.get(reverse("admin:fund_fundyear_change", args=[fund.pk]))
    assert "10.000.000" in page.content.decode()
