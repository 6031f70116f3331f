"""A new bloc's first year, run in a real browser from the year cockpit alone
(issue 11, acceptance 1): a superuser sets the bloc up as a new secretariat
would be, then the secretariat reaches every step from the cockpit's links or
its next-step button, and the board officers do their part from their board
page, until the year is closed and its documents are published.

Outside the browser, the test only reads the database to check the result
(and to find the indicators' fields by code).
"""

import io
import re

import pytest
from django.utils.translation import gettext, ngettext, override
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from blocs.models import BlocYear
from pledges.models import Indicator, Pledge, Submission
from reports.models import Publication
from scoring.models import Score, VotingRound
from tests import factories
from tests.e2e.test_journeys import PASSWORD, log_in
from tests.e2e.test_two_factor import _code

S = BlocYear.Status
BLOC = "Khối thi đua thử nghiệm Tây Bắc"
PROVINCES = ["Điện Biên", "Lai Châu", "Sơn La", "Lào Cai", "Hà Giang"]
BOARDS = [f"Ban Quản lý các Khu công nghiệp tỉnh {p}" for p in PROVINCES]
HEADS = ["Lò Văn Thắng", "Tòng Thị Hoa", "Cầm Văn Sơn", "Vàng A Lử", "Hoàng Thị Giang"]
EXPORT_PLAN = "4.321,5"  # typed by the first board, printed in the pledge


def vi(msgid: str, **params) -> str:
    with override("vi"):
        text = gettext(msgid)
        return text % params if params else text


def label(choice) -> str:
    with override("vi"):
        return str(choice.label)


def stage(status) -> str:
    return label(S(status))


@pytest.fixture
def live(transactional_db, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Some steps render documents or recompute the year on two shared cores.
    expect.set_options(timeout=20_000)
    yield live_server.url
    expect.set_options(timeout=5_000)


@pytest.fixture
def sign_in(browser, browser_context_args, live):
    """sign_in(username): a page of a browser of its own, signed in."""
    contexts = []

    def open_as(username: str) -> Page:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live}/accounts/login/")
        log_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def admin_done(page: Page) -> None:
    """The admin's message after a step, and no error among them."""
    expect(page.locator("ul.messagelist li").first).to_be_visible()
    expect(page.locator("ul.messagelist li.error")).to_have_count(0)


def saved(page: Page) -> None:
    page.locator("input[name=_save]").click()
    admin_done(page)


def pick(page: Page, field_id: str, search: str) -> None:
    """Choose in an admin autocomplete (select2) by typing, as a user does."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=search).first.click()
    expect(page.locator(f"#{field_id}")).to_have_value(re.compile(r"^\d+$"))


def set_up_the_bloc(page: Page, live: str) -> None:
    """The superuser: second factor, ministry, bloc, boards, year, people."""
    page.goto(f"{live}/accounts/login/?next=/admin/")
    log_in(page, "quantri")
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    page.locator("#id_code").fill(_code(secret))
    page.get_by_role("button", name="Bật").click()
    page.get_by_role("link", name="Tiếp tục").click()
    expect(page).to_have_url(f"{live}/admin/")

    page.goto(f"{live}/admin/blocs/ministry/add/")
    page.locator("#id_name").fill("Bộ Tài chính")
    page.locator("#id_short_name").fill("BTC")
    page.locator("#id_valid_from").fill("01/03/2025")
    saved(page)
    page.goto(f"{live}/admin/blocs/bloc/add/")
    page.locator("#id_name").fill(BLOC)
    page.locator("#id_short_name").fill("KTĐ Tây Bắc")
    page.locator("#id_region").fill("Tây Bắc")
    pick(page, "id_ministry", "Bộ Tài chính")
    saved(page)
    for name, province in zip(BOARDS, PROVINCES, strict=True):
        page.goto(f"{live}/admin/blocs/board/add/")
        page.locator("#id_name").fill(name)
        page.locator("#id_short_name").fill(f"BQL {province}")
        page.locator("#id_province").fill(province)
        page.locator("#id_manages_kcn").check()
        saved(page)

    # The year with its members in one save (this answered HTTP 500 once).
    page.goto(f"{live}/admin/blocs/blocyear/add/")
    page.locator("#id_bloc").select_option(label=BLOC)
    page.locator("#id_year").fill("2026")
    page.locator("#id_conference_place").fill("Điện Biên")
    roles = ["head", "deputy", "member", "member", "member"]
    for n, (province, role) in enumerate(zip(PROVINCES, roles, strict=True)):
        page.locator("#memberships-group .add-row a").click()
        pick(page, f"id_memberships-{n}-board", province)
        page.locator(f"#id_memberships-{n}-role").select_option(role)
    saved(page)

    people = [("thuky.taybac", "secretariat", None)] + [
        (f"canbo{n}", "board_officer", province) for n, province in enumerate(PROVINCES)
    ]
    for username, role, province in people:
        page.goto(f"{live}/admin/blocs/user/add/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.locator("#id_role").select_option(role)
        if province is None:
            pick(page, "id_bloc", "Tây Bắc")
        else:
            pick(page, "id_board", province)
        saved(page)


class Cockpit:
    """The secretariat's page: its links, its button, and nothing else."""

    def __init__(self, page: Page):
        self.page = page
        self.url = page.url

    def back(self) -> None:
        self.page.goto(self.url)

    def open(self, status, label: str) -> Page:
        self.back()
        self.page.locator(f"#stage-{status} th a", has_text=label).click()
        return self.page

    def expect_count(self, status, label: str, count: str) -> None:
        row = self.page.locator(f"#stage-{status} tr", has_text=label)
        expect(row.locator("td.count")).to_have_text(count)

    def next(self, label: str) -> None:
        """Press the button offering ``label`` and confirm; nothing is
        missing, so no override reason is asked for."""
        self.back()
        button = self.page.locator("#next-action button")
        expect(button).to_contain_text(label)
        button.click()
        expect(self.page.locator("#action-label")).to_have_text(label)
        expect(self.page.locator("#id_override_reason")).to_have_count(0)
        self.page.locator("#content-main input[type=submit].default").click()
        expect(self.page).to_have_url(self.url)
        expect(self.page.locator("ul.messagelist li.success")).to_contain_text(label)

    def advance(self, new) -> None:
        self.next(vi("Move the year to the stage “%(stage)s”", stage=stage(new)))


def write_sections(page: Page) -> None:
    """What the summary and the minutes print, and the nominees' achievements
    that the nomination submission prints."""
    for name, text in {
        "results": "Năm đầu tiên của khối, các đơn vị hoàn thành kế hoạch.",
        "shortcomings": "Hạ tầng còn thiếu.",
        "lessons": "Phối hợp chặt chẽ.",
        "directions": "Thu hút đầu tư có chọn lọc.",
        "participants": "Lãnh đạo năm ban quản lý",
        "secretary": "Quàng Thị Thư",
        "counting_team": "Lường Văn Kiểm, Trưởng ban kiểm phiếu",
        "discussion": "Các đơn vị thống nhất kết quả.",
        "start_time": "08:00",
        "end_time": "11:00",
    }.items():
        page.locator(f"#id_{name}").fill(text)
    for n, province in enumerate(PROVINCES[:2]):
        page.locator("#achievements-group .add-row a").click()
        pick(page, f"id_achievements-{n}-board", province)
        page.locator(f"#id_achievements-{n}-text").fill(
            f"Dẫn đầu thu hút đầu tư tỉnh {province}."
        )
    saved(page)


class Officer:
    """A board officer, who reaches the year's pages from the board page."""

    def __init__(self, page: Page, live: str, ids: dict[str, int]):
        self.page = page
        self.live = live
        self.ids = ids  # the indicators' fields, by code

    def open(self, label: str) -> Page:
        self.page.goto(f"{self.live}/board/")
        row = self.page.locator("table.data tr", has_text=BLOC)
        row.get_by_role("link", name=label, exact=True).click()
        return self.page

    def sign_and_register(self, export_plan: str, award: str | None) -> None:
        page = self.open(vi("Pledge"))
        page.get_by_role("button", name=vi("Sign for my board")).click()
        page.get_by_role("button", name=vi("Confirm the signature")).click()
        expect(page.locator("ul.messages li.success")).to_be_visible()
        page = self.open(vi("Registration and report"))
        for field in page.locator("input[id^=id_plan_]").all():
            field.fill("10")
        page.locator(f"#id_plan_{self.ids['export']}").fill(export_plan)
        if award is not None:
            page.locator("#id_award_target").select_option(award)
        page.locator("button[name=action][value=register]").click()
        expect(page.locator("ul.messages li.success")).to_be_visible()

    def submit(self) -> None:
        page = self.open(vi("Registration and report"))
        page.locator(f"#id_actual_{self.ids['export']}").fill("5.000")
        page.locator("button[name=action][value=submit]").click()
        # Results left empty are listed and the submission asks to confirm.
        confirm = page.get_by_test_id("confirm-empty")
        expect(page.locator("ul.messages li.success").or_(confirm)).to_be_visible()
        if confirm.is_visible():
            confirm.click()
        expect(page.get_by_test_id("status")).to_have_text(
            label(Submission.Status.SUBMITTED)
        )

    def self_assess(self) -> None:
        page = self.open(vi("Self-assessment"))
        for field in page.locator("[name^=points_]").all():
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(index=1)  # a task done
            else:
                field.fill("1")
        page.get_by_role("button", name=vi("Save self-assessment")).click()
        expect(page.locator("ul.messages li.success")).to_be_visible()

    def vote(self, round_title: str) -> None:
        page = self.open(round_title)
        page.locator("input[name=choices]").first.check()
        page.get_by_role("button", name=vi("Cast the ballot")).click()
        expect(page.get_by_test_id("voted")).to_be_visible()


def test_a_new_bloc_runs_its_year_from_the_cockpit_to_published_documents(
    page: Page, live, sign_in
):
    # The one account no page can make: the first superuser (its second
    # factor is set up in the browser).
    factories.user(superuser=True, username="quantri")
    set_up_the_bloc(page, live)
    year = BlocYear.objects.get(bloc__name=BLOC, year=2026)
    assert year.memberships.count() == 5

    # The secretariat lands on its year's cockpit.
    sec = sign_in("thuky.taybac")
    sec.goto(f"{live}/admin/")
    expect(sec.locator("#cockpit-years a")).to_have_count(1)
    sec.locator("#cockpit-years a").click()
    expect(sec).to_have_url(re.compile(rf"/admin/blocs/blocyear/{year.pk}/cockpit/$"))
    cockpit = Cockpit(sec)

    # Setup: the catalogue (which opens every board's report), the pledge,
    # and the signers named from the cockpit's link.
    cockpit.next(vi("Copy the indicator catalogue from the bloc's previous year"))
    cockpit.expect_count(S.SETUP, vi("Reports opened"), "5/5")
    cockpit.next(vi("Draft the pledge with the default commitments"))
    signers = vi("Signers named: the heads of the member boards")
    for head, province in zip(HEADS, PROVINCES, strict=True):
        officials = cockpit.open(S.SETUP, signers)
        officials.locator(".object-tools a.addlink").click()
        officials.locator("#id_full_name").fill(head)
        officials.locator("#id_title").fill("Trưởng ban")
        pick(officials, "id_board", province)
        officials.locator("#id_valid_from").fill("01/01/2025")
        saved(officials)
    cockpit.back()
    cockpit.expect_count(S.SETUP, signers, "5/5")
    cockpit.advance(S.PLEDGE)
    cockpit.next(vi("Open the pledge for signing by the member boards"))

    # The officers sign and register; two aim for the ministry's flag.
    ids = dict(Indicator.objects.filter(bloc_year=year).values_list("code", "pk"))
    officers = [Officer(sign_in(f"canbo{n}"), live, ids) for n in range(5)]
    for n, officer in enumerate(officers):
        officer.sign_and_register(
            export_plan=EXPORT_PLAN if n == 0 else "4.000",
            award="flag" if n < 2 else None,
        )
    cockpit.back()
    cockpit.expect_count(S.PLEDGE, vi("Pledge signed"), "5/5")
    cockpit.expect_count(S.PLEDGE, vi("Targets registered"), "5/5")
    cockpit.advance(S.REPORTING)

    for officer in officers:
        officer.submit()
    cockpit.back()
    cockpit.expect_count(S.REPORTING, vi("Reports submitted"), "5/5")
    cockpit.advance(S.REVIEW)

    # The secretariat approves every report from the cockpit's link.
    listing = cockpit.open(S.REVIEW, vi("Reports approved"))
    listing.locator("#action-toggle").check()
    listing.locator("select[name=action]").select_option("approve")
    listing.locator("button[name=index]").click()
    with override("vi"):
        approved = ngettext(
            "%(count)d report approved.", "%(count)d reports approved.", 5
        ) % {"count": 5}
    expect(listing.locator("ul.messagelist")).to_contain_text(approved)
    cockpit.back()
    cockpit.expect_count(S.REVIEW, vi("Reports approved"), "5/5")
    cockpit.advance(S.SCORING)

    # Scoring: the scale from the button, then self- and bloc assessments.
    cockpit.next(vi("Create the year's scoring scale"))
    cockpit.next(vi("Freeze the scoring scale and compute the scores"))
    for officer in officers:
        officer.self_assess()
    matrix = cockpit.open(S.SCORING, vi("The bloc's assessment"))
    for field in matrix.locator("#assessment input[name^=points_]").all():
        field.fill("1")
    matrix.locator("input[type=submit].default").click()
    admin_done(matrix)
    cockpit.back()
    cockpit.expect_count(S.SCORING, vi("Self-assessments"), "5/5")
    cockpit.expect_count(S.SCORING, vi("The bloc's assessment"), "5/5")
    cockpit.advance(S.VOTING)

    # Voting: a flag round, its candidates the boards registered for it.
    form = cockpit.open(S.VOTING, vi("Voting rounds"))
    form.locator("#id_bloc_year").select_option(str(year.pk))
    form.locator("#id_kind").select_option("flag")
    form.locator("input[type=submit].default").click()
    admin_done(form)
    voting_round = VotingRound.objects.get(bloc_year=year)
    candidates = {c.board.province for c in voting_round.candidates.all()}
    assert candidates == set(PROVINCES[:2])
    cockpit.next(vi("Open the round “%(round)s”", round=voting_round.title))
    for officer in officers:
        officer.vote(voting_round.title)
    cockpit.next(
        vi(
            "Close the round “%(round)s” and count its ballots",
            round=voting_round.title,
        )
    )
    write_sections(
        cockpit.open(S.VOTING, vi("Sections of the summary and minutes written"))
    )
    cockpit.advance(S.CLOSED)

    # The closed year's documents, published one by one from the button.
    for kind in Publication.Kind:
        cockpit.next(vi("Publish the %(document)s", document=label(kind).lower()))
    cockpit.back()
    expect(sec.locator("#next-action")).to_contain_text(
        vi("The year is closed and its documents are published: nothing is left to do.")
    )
    expect(sec.locator("#cockpit .not-ok")).to_have_count(0)
    expect(sec.locator("#cockpit .missing")).to_have_count(0)

    year.refresh_from_db()
    assert year.status == S.CLOSED
    assert Pledge.objects.get(bloc_year=year).status == Pledge.Status.CLOSED
    assert (
        Submission.objects.filter(
            bloc_year=year, status=Submission.Status.APPROVED
        ).count()
        == 5
    )
    assert Score.objects.filter(bloc_year=year).count() == 5
    published = Publication.objects.filter(bloc_year=year)
    assert sorted(published.values_list("kind", flat=True)) == sorted(
        Publication.Kind.values
    )

    # An officer downloads the published pledge from the board page: the
    # bloc, the boards and the figure typed in the browser are in it.
    documents = officers[0].open(vi("Documents"))
    row = documents.locator("tr", has_text=label(Publication.Kind.PLEDGE))
    with documents.expect_download() as download:
        row.get_by_role("link").first.click()
    with open(download.value.path(), "rb") as pdf:
        pages = PdfReader(io.BytesIO(pdf.read())).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert BLOC.upper() in text
    assert BOARDS[0] in text
    assert EXPORT_PLAN in text
