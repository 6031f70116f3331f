"""A board officer fills in the year's report in a real browser, in Vietnamese."""

import re
from decimal import Decimal

import pytest
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect

from blocs import numbers
from blocs.models import AuditEvent
from pledges import services
from pledges.models import Indicator, Submission, Value

PASSWORD = "pw-for-tests-only"


def vi(msgid: str) -> str:
    """What the portal shows for an English msgid, whether or not the
    Vietnamese catalogue translates it yet."""
    with override("vi"):
        return gettext(msgid)


def vi_label(choice) -> str:
    with override("vi"):
        return str(choice.label)


@pytest.fixture
def live(transactional_db, live_server, world):
    """The live server's URL, with the test world in its database
    (``transactional_db`` first, so the server thread sees the rows)."""
    return live_server.url


@pytest.fixture
def report(live, world):
    """The officer's board's submission for the year, with the default
    catalogue and no deadlines; the indicator ids by code."""
    by = world.own_year
    by.registration_deadline = by.reporting_deadline = None
    by.save(update_fields=["registration_deadline", "reporting_deadline"])
    services.indicators_copy(bloc_year=by, actor=None)
    services.submissions_prepare(bloc_year=by, actor=None)
    officer = world.users["board_officer"]
    submission = Submission.objects.get(bloc_year=by, board=officer.board)
    ids = dict(by.indicators.values_list("code", "pk"))
    return submission, ids


def log_in(page: Page, live: str, username: str) -> None:
    page.goto(f"{live}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()


def value(submission: Submission, code: str) -> Value:
    return Value.objects.get(submission=submission, indicator__code=code)


def test_officer_saves_vietnamese_numbers_and_submits(page: Page, live, world, report):
    submission, ids = report
    capital, projects = ids["new-capital-usd"], ids["new-projects"]
    fdi, ddi = ids["new-projects-fdi"], ids["new-projects-ddi"]

    log_in(page, live, world.users["board_officer"].username)
    expect(page).to_have_url(f"{live}/board/")
    page.get_by_role("link", name=vi("Registration and report")).click()
    expect(page).to_have_url(f"{live}/submissions/{submission.pk}/")
    status = page.get_by_test_id("status")
    expect(status).to_have_text(vi_label(Submission.Status.DRAFT))

    page.locator(f"#id_plan_{capital}").fill("1.016,87")
    page.locator(f"#id_actual_{capital}").fill("2.470,7")
    page.locator(f"#id_plan_{projects}").fill("120")
    page.locator(f"#id_actual_{projects}").fill("132")
    page.locator(f"#id_actual_{fdi}").fill("100")
    page.locator(f"#id_actual_{ddi}").fill("32")
    page.locator("button[name=action][value=save]").click()

    expect(page.locator("ul.messages li.success")).to_have_text(vi("Draft saved."))
    # Shown again as typed: Vietnamese grouping and decimal comma.
    expect(page.locator(f"#id_actual_{capital}")).to_have_value("2.470,7")
    expect(page.locator(f"#id_plan_{capital}")).to_have_value("1.016,87")
    expect(page.locator(f"#id_actual_{projects}")).to_have_value("132")
    # % of plan: 2 470,7 / 1 016,87.
    expect(
        page.locator("tr", has=page.locator(f"#id_actual_{capital}"))
    ).to_contain_text("242,97%")
    saved = value(submission, "new-capital-usd")
    assert saved.actual == Decimal("2470.7")
    assert saved.plan == Decimal("1016.87")
    assert value(submission, "new-projects").actual == Decimal(132)
    assert value(submission, "new-projects").plan == Decimal(120)
    assert value(submission, "new-projects-fdi").actual == Decimal(100)
    assert value(submission, "new-projects-ddi").actual == Decimal(32)

    page.locator("button[name=action][value=submit]").click()
    # Most results are still empty: the page lists them and asks to confirm.
    expect(page.get_by_test_id("empty-results")).to_contain_text(
        Indicator.objects.get(bloc_year=submission.bloc_year, code="export").name
    )
    expect(status).to_have_text(vi_label(Submission.Status.DRAFT))
    page.get_by_test_id("confirm-empty").click()
    expect(page.locator("ul.messages li.success")).to_have_text(
        vi("Report submitted to the secretariat.")
    )
    expect(status).to_have_text(vi_label(Submission.Status.SUBMITTED))
    # Locked while the secretariat reviews: still shown, no longer editable.
    expect(page.locator(f"#id_actual_{capital}")).to_be_disabled()
    expect(page.locator(f"#id_actual_{capital}")).to_have_value("2.470,7")
    expect(page.locator("button[name=action]")).to_have_count(0)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_by == world.users["board_officer"]
    assert value(submission, "new-capital-usd").actual == Decimal("2470.7")


def test_letters_in_a_number_field_are_refused_and_nothing_is_stored(
    page: Page, live, world, report
):
    submission, ids = report
    capital, projects = ids["new-capital-usd"], ids["new-projects"]
    version = submission.version
    events = AuditEvent.objects.count()

    log_in(page, live, world.users["board_officer"].username)
    page.goto(f"{live}/submissions/{submission.pk}/")
    page.locator(f"#id_plan_{projects}").fill("120")
    page.locator(f"#id_actual_{capital}").fill("abc")
    page.locator("button[name=action][value=save]").click()

    expect(page.locator("ul.messages li.error")).to_have_text(
        vi("Some entries are not valid: see the marked fields.")
    )
    field = page.locator(f"#id_actual_{capital}")
    cell = page.locator("td", has=field)
    with override("vi"):
        # The expected format, with its example (blocs/numbers.py).
        invalid = numbers.NumberError("abc", numbers.VI).message
    expect(cell.locator(".errorlist")).to_have_text(invalid)
    expect(field).to_have_value("abc")
    expect(field).to_have_attribute("aria-invalid", "true")
    # Only that field is marked; what else was typed stays in the form.
    expect(page.locator("table.report .errorlist")).to_have_count(1)
    expect(page.locator(f"#id_plan_{projects}")).to_have_value("120")
    expect(page.get_by_test_id("status")).to_have_text(
        vi_label(Submission.Status.DRAFT)
    )
    expect(page).to_have_url(re.compile(rf"/submissions/{submission.pk}/$"))

    submission.refresh_from_db()
    assert submission.version == version
    assert submission.status == Submission.Status.DRAFT
    assert value(submission, "new-capital-usd").actual is None
    assert value(submission, "new-projects").plan is None
    assert AuditEvent.objects.count() == events
