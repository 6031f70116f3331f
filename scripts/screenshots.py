"""Screenshots of the portal for the documentation, taken in a real browser.

Run against a server that is already up with the demo data loaded::

    DEBUG=true .venv/bin/python manage.py migrate
    DEBUG=true .venv/bin/python manage.py load_demo
    DEBUG=true .venv/bin/python manage.py runserver 127.0.0.1:8000 &
    DEBUG=true .venv/bin/python scripts/screenshots.py [BASE_URL]

It logs in as the demo users through the login form, in Debian's Chromium
(``/usr/bin/chromium``; no browser is downloaded), and writes full-page PNGs
at a 1280x800 viewport to ``docs/screenshots/``. It stops at the first page
that answers with an error or does not show what it should.

It writes, too: ``report-form.png`` saves a draft of bql.dungquat's 2026
report with a few figures (the same ones on every run), so run it against a
throw-away demo database, never a real one.
"""

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105  the demo users' password (DEBUG only)
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
VIEWPORT = {"width": 1280, "height": 800}
# (indicator name, "plan" or "actual", as a Vietnamese official types it):
# consistent figures, so the catalogue's rules (FDI + DDI = new projects) hold.
REPORT_FIGURES = [
    ("Số dự án cấp mới", "plan", "120"),
    ("Số dự án cấp mới", "actual", "132"),
    ("Trong đó: dự án FDI", "actual", "100"),
    ("Trong đó: dự án DDI", "actual", "32"),
    ("Vốn đăng ký cấp mới và tăng thêm (FDI)", "plan", "1.016,87"),
    ("Vốn đăng ký cấp mới và tăng thêm (FDI)", "actual", "2.470,7"),
    ("Vốn đăng ký cấp mới và tăng thêm (DDI)", "plan", "15.000"),
    ("Vốn đăng ký cấp mới và tăng thêm (DDI)", "actual", "18.250,5"),
    ("Số lao động", "plan", "45.000"),
    ("Số lao động", "actual", "46.218"),
]


class ShotError(RuntimeError):
    pass


class Shooter:
    def __init__(self, browser: Browser, base_url: str, out: Path, password: str):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.out = out
        self.password = password

    def context(self) -> BrowserContext:
        # A Vietnamese official's browser: the portal answers in Vietnamese.
        return self.browser.new_context(
            viewport=VIEWPORT,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )

    def goto(self, page: Page, path: str) -> None:
        response = page.goto(self.base_url + path)
        if response is None or response.status >= 400:
            status = response.status if response else "no response"
            raise ShotError(f"GET {path}: {status}")

    def log_in(self, page: Page, username: str) -> None:
        self.goto(page, "/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(self.password)
        with page.expect_navigation():
            page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
        if "/accounts/login/" in page.url:
            raise ShotError(f"log-in as {username} failed (still on {page.url})")

    def save(self, page: Page, name: str, must_show: str) -> None:
        page.wait_for_load_state("networkidle")
        text = page.locator("body").inner_text()
        if must_show not in text:
            raise ShotError(f"{name}: {page.url} does not show {must_show!r}")
        path = self.out / name
        page.screenshot(path=str(path), full_page=True)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    @contextmanager
    def page_of(self, username: str = "") -> Iterator[Page]:
        """A page of a fresh browser (no cookies of another user), logged in
        as ``username`` if one is given."""
        with self.context() as ctx:
            page = ctx.new_page()
            if username:
                self.log_in(page, username)
            yield page

    def open_link(
        self,
        page: Page,
        path: str | None,
        link: Locator,
        what: str,
        lands_on: str = "",
    ) -> None:
        """Go to ``path`` (None: stay on the page shown) and follow its one
        ``link`` (to ``what``), which must lead to an address matching
        ``lands_on``, if given: the way a user reaches a page whose address
        they do not know."""
        if path is not None:
            self.goto(page, path)
        path = page.url
        if link.count() != 1:
            raise ShotError(f"no single link to {what} on {path}")
        with page.expect_navigation():
            link.click()
        if lands_on and not re.search(lands_on, page.url):
            raise ShotError(f"the link to {what} on {path} led to {page.url}")

    def login_page(self) -> None:
        with self.page_of() as page:
            self.goto(page, "/accounts/login/")
            self.save(page, "login.png", "Đăng nhập")

    def board(self) -> None:
        with self.page_of("bql.dungquat") as page:
            self.goto(page, "/board/")
            self.save(page, "board.png", "Các năm thi đua")

    def overview(self) -> None:
        with self.page_of("vu.tdkt") as page:
            self.goto(page, "/ministry/")
            self.save(page, "overview.png", "Khối")
            self.goto(page, "/ministry/compare/?year=2023")
            self.save(page, "compare.png", "2023")

    def admin_documents(self) -> None:
        with self.page_of("khoitruong") as page:
            self.goto(page, "/admin/reports/documentyear/")
            self.save(page, "admin-documents.png", "TN-DHMT 2023")

    def admin_bloc_years(self) -> None:
        with self.page_of("khoitruong") as page:
            self.goto(page, "/admin/blocs/blocyear/")
            self.save(page, "admin-blocyears.png", "TN-DHMT 2024")
            self.open_link(
                page,
                None,  # the list just saved
                page.locator("#result_list a", has_text="TN-DHMT 2024"),
                "TN-DHMT 2024",
                lands_on="/change/",
            )
            self.save(page, "admin-blocyear-change.png", "TN-DHMT 2024")

    def admin_cockpit(self) -> None:
        """The secretariat's landing: its years' cockpits on the admin index,
        then the 2026 year's cockpit (stage line, checklist, next step)."""
        with self.page_of("khoitruong") as page:
            self.open_link(
                page,
                "/admin/",
                page.locator("#cockpit-years a", has_text="TN-DHMT 2026"),
                "the TN-DHMT 2026 cockpit",
                lands_on="/cockpit/",
            )
            self.save(page, "admin-cockpit.png", "Bước tiếp theo")

    def admin_fund(self) -> None:
        """The bloc's fund of 2023 in the admin: the statement above the
        contributions and expenses, marked as illustrative figures."""
        with self.page_of("khoitruong") as page:
            self.open_link(
                page,
                "/admin/fund/fundyear/",
                page.locator("#result_list a", has_text="2023"),
                "the 2023 fund",
            )
            self.save(page, "admin-fund.png", "Số liệu minh họa")

    def report_form(self) -> None:
        """A board officer's 2026 report with a few figures typed the
        Vietnamese way (thousands ".", decimal ","), saved as a draft."""
        with self.page_of("bql.dungquat") as page:
            row = page.locator("table.data tbody tr").filter(
                has=page.locator("td", has_text=re.compile(r"^2026$"))
            )
            self.open_link(
                page,
                "/board/",
                row.locator("a[href*='/submissions/']"),
                "the 2026 report",
                lands_on=r"/submissions/\d+/$",
            )
            for name, field, typed in REPORT_FIGURES:
                self.report_input(page, name, field).fill(typed)
            with page.expect_navigation():
                page.locator("button[name=action][value=save]").click()
            if page.locator("ul.messages li.success").count() != 1:
                raise ShotError(
                    f"saving the 2026 report showed no success ({page.url})"
                )
            for name, field, typed in REPORT_FIGURES:
                shown = self.report_input(page, name, field).input_value()
                if shown != typed:
                    raise ShotError(
                        f"{name} ({field}): typed {typed!r}, shown {shown!r}"
                    )
            self.save(page, "report-form.png", "2026")

    @staticmethod
    def report_input(page: Page, name: str, field: str):
        """The plan or actual input on the report row of the indicator ``name``."""
        row = page.locator("table.report tbody tr").filter(
            has=page.locator(
                "th[scope=row]", has_text=re.compile("^" + re.escape(name))
            )
        )
        box = row.locator(f"input[name^={field}_]")
        if box.count() != 1:
            raise ShotError(f"no single {field} input for {name!r} on {page.url}")
        if box.is_disabled():
            # The demo's deadlines have passed (or the report was submitted).
            lock = page.locator("[data-testid=lock]")
            why = lock.inner_text() if lock.count() else "no reason shown"
            raise ShotError(f"the {field} of {name!r} is locked: {why}")
        return box


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    print(f"Screenshots of {args.base_url} into {args.out}:")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        shooter = Shooter(browser, args.base_url, args.out, args.password)
        try:
            shooter.login_page()
            shooter.board()
            shooter.overview()
            shooter.admin_bloc_years()
            shooter.admin_documents()
            shooter.admin_cockpit()
            shooter.admin_fund()
            shooter.report_form()
        except ShotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
