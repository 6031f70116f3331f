"""No Python traceback, server path or error detail reaches any user with
DEBUG off (production), superusers included: a page of the portal's own
saying something went wrong, and the details in the log."""

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from tests.conftest import otp_verify
from tests.error_urls import SECRET_DETAIL

pytestmark = pytest.mark.urls("tests.error_urls")


@pytest.mark.parametrize("who", ["anonymous", "board_officer", "superuser"])
def test_a_failing_page_shows_no_traceback_in_production(db, who, caplog):
    assert not settings.DEBUG
    client = Client(raise_request_exception=False)
    if who == "board_officer":
        officer = factories.user(role="board_officer", board=factories.board())
        client.force_login(officer)
    elif who == "superuser":
        admin = factories.user(superuser=True)
        client.force_login(admin)
        otp_verify(client, admin)
    response = client.get("/test-failure/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Đã có lỗi xảy ra" in page  # the portal's own page, in Vietnamese
    for leak in (
        "Traceback",
        "RuntimeError",
        SECRET_DETAIL,
        str(settings.BASE_DIR),
        "site-packages",
        ".py",
    ):
        assert leak not in page, leak
    # The details are in the server's log, for the administrator.
    assert SECRET_DETAIL in caplog.text
