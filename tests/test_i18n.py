"""Vietnamese first: every string users see has a Vietnamese translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale/vi/LC_MESSAGES/django.po"
SOURCES = [
    "blocs",
    "pledges",
    "scoring",
    "reports",
    "demodata",
    "config",
    "templates",
    "manage.py",
]


def test_vietnamese_catalogue_has_no_missing_or_fuzzy_entry():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_vietnamese_catalogue_is_up_to_date_with_the_code(tmp_path):
    """Extract the strings afresh from a copy of the code: none may be absent
    from the committed catalogue, none left there that the code dropped."""
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy(src, tmp_path / name)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-location"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / PO.relative_to(ROOT)))}
    committed = {e.msgid for e in polib.pofile(str(PO)) if not e.obsolete}
    assert fresh - committed == set(), "run makemessages and translate"
    assert committed - fresh == set(), "run makemessages --no-obsolete"


def test_numbers_are_grouped_the_vietnamese_way(settings):
    with translation.override("vi"):
        assert formats.number_format(2470.7, 1, use_l10n=True) == "2.470,7"
        assert formats.number_format(1934705.19, 2, use_l10n=True) == "1.934.705,19"


def test_login_page_is_vietnamese_by_default_and_english_on_request(db):
    client = Client()
    page = client.get(reverse("login"))
    assert "Đăng nhập" in page.text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login"))
    assert "Log in" in page.text
    assert "Đăng nhập" not in page.text


def test_browser_asking_for_english_still_gets_vietnamese_first(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("login"))
    assert "Đăng nhập" in page.text
    assert page["Content-Language"] == "vi"
