"""Every admin page in Vietnamese, Django's own strings included.

Walks the changelist, add and change page of every model registered in the
admin, as a superuser with Vietnamese chosen (the default), and fails on
text left in English: a column named after its method ("GET FULL NAME":
a method without a description), or a sentence of English words (Django's
password help texts, a library's labels)."""

import re
from html.parser import HTMLParser

from django.contrib import admin
from django.urls import reverse

# The world with catalogues, pledges and reports: every model has a row.
from tests.pledges.conftest import reporting  # noqa: F401

# Words that do not occur in Vietnamese text; two of them in one text node
# (or one making up a whole label of several words) is English left over.
_WORDS = """the a of to and or is are be for with your you this that these not can
    will has have been by from on at as if it its all any no yes enter select
    add change delete save view history search filter password username
    required letters digits characters user users group groups permissions
    set get full name first last address active staff date joined login
    show hide another continue editing action actions selected go
    clear can log entry device devices token tokens task tasks result results
    static key confirmed throttling time link list backend database
    based authentication enabled disabled skip main content model toggle theme
    current auto light dark
"""
ENGLISH = frozenset(_WORDS.split())
# Text that is ours to show as is: product and format names, codes.
ALLOWED = {"XLSX", "CSV", "PDF", "JSON", "TOTP", "OTP", "URL", "ID"}
SKIP_TAGS = {"script", "style", "code", "pre", "textarea", "title"}


class _Text(HTMLParser):
    """The page's visible text nodes, submit buttons' labels, the labels
    read to screen-reader users (aria-label) and the admin's column headers
    (with the field or method each heads)."""

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self.headers: list[tuple[str, str]] = []
        self._skip = 0
        self._column: str | None = None
        self._header_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIP_TAGS:
            self._skip += 1
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.nodes.append(attrs.get("value") or "")
        # What a screen reader says instead of (or beside) the visible text.
        if attrs.get("aria-label"):
            self.nodes.append(" ".join(attrs["aria-label"].split()))
        if tag == "th":
            match = re.search(r"\bcolumn-(\w+)", attrs.get("class") or "")
            self._column = match.group(1) if match else None
            self._header_text = []

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self._skip -= 1
        if tag == "th" and self._column:
            self.headers.append((self._column, " ".join(self._header_text).strip()))
            self._column = None

    def handle_data(self, data):
        if self._skip:
            return
        text = " ".join(data.split())
        if text:
            self.nodes.append(text)
            if self._column:
                self._header_text.append(text)


def shown_wrong(html: str, years: set[int]) -> list[str]:
    """Text nodes showing "None" or one of ``years`` grouped ("2.024")."""
    parser = _Text()
    parser.feed(html)
    grouped = {f"{y // 1000}.{y % 1000:03d}" for y in years}
    return [
        text
        for text in parser.nodes
        if re.search(r"\bNone\b", text) or any(g in text for g in grouped)
    ]


def english_leftovers(html: str, own_data: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for column, text in parser.headers:
        # A method column without a description shows its name, humanised.
        if text.lower() == column.replace("_", " ").lower() and "_" in column:
            found.append(f"column {column!r} headed {text!r}")
    for text in parser.nodes:
        if text in own_data or text in ALLOWED:
            continue
        words = re.findall(r"\w+", text)
        if not words:
            continue
        english = [w for w in words if w.lower() in ENGLISH]
        if len(english) >= 2 or (len(words) >= 2 and len(english) == len(words)):
            found.append(text)
    return found


def _admin_urls(world):
    """(url name, args) of every registered model's changelist, add and
    change page, the index, each app's page and the admin's other pages."""
    names = [("admin:index", []), ("admin:password_change", [])]
    names.append(("admin:auth_user_password_change", [world.users["secretariat"].pk]))
    names.append(("admin:pledges_value_import", []))
    labels = set()
    for model in admin.site._registry:
        opts = model._meta
        labels.add(opts.app_label)
        base = f"admin:{opts.app_label}_{opts.model_name}"
        names += [(f"{base}_changelist", []), (f"{base}_add", [])]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            names.append((f"{base}_change", [obj.pk]))
    names += [("admin:app_list", [label]) for label in sorted(labels)]
    return names


def test_admin_pages_are_all_vietnamese_without_none_or_grouped_years(
    reporting,  # noqa: F811 (the fixture imported above)
    client_for,
):
    client = client_for(reporting.users["superuser"])
    # Usernames are data, typed by people, not the portal's text.
    own_data = {u.username for u in reporting.users.values() if u is not None}
    years = {reporting.own_year.year, reporting.other_year.year}
    problems, wrong, walked = {}, {}, 0
    for name, args in _admin_urls(reporting):
        url = reverse(name, args=args)
        response = client.get(url)
        # A page the superuser may not open (adding a computed row) is a
        # refusal, not a page to read.
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code != 200:
            continue
        walked += 1
        found = english_leftovers(response.content.decode(), own_data)
        if found:
            problems[url] = sorted(set(found))
        shown = shown_wrong(response.content.decode(), years)
        if shown:
            wrong[url] = sorted(set(shown))
    assert walked > 50
    assert problems == {}
    # Years are labels, never grouped; nothing shows Python's "None".
    assert wrong == {}
