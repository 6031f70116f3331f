"""End-to-end tests: Playwright drives Debian's Chromium against a live server.

No browser is ever downloaded (``playwright install`` needs the network):
the launch arguments below point Playwright at ``/usr/bin/chromium``.
"""

import os
from pathlib import Path

import pytest

# The live server thread and Playwright's sync API share the test's thread,
# which Django would otherwise refuse as an async context.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url():
    """Tests build URLs from ``live_server.url``. Defining this fixture here also
    replaces pytest-playwright 0.10's fallback, a fixture written as an instance
    method that pytest 9 warns about."""
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Vietnamese official's browser. Headless Chromium otherwise asks for
    # en-US, and LocaleMiddleware would answer in English.
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 800},
    }
