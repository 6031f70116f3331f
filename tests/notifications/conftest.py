import pytest

from tests.pledges.conftest import reporting  # noqa: F401 (a fixture)
from tests.smtp import SmtpServer


@pytest.fixture
def smtp(settings):
    """Mail goes through a real SMTP server on loopback for this test."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.PORTAL_URL = "https://portal.example.vn"
    yield server
    server.stop()
