"""Award kinds live in one registry (blocs/awards.py): models' choices, voting
rounds, documents and the ministry's comparison read it; no other module or
template names an award's code or wording."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from blocs.awards import AWARDS, award_name
from pledges.models import Submission
from scoring.models import VotingRound

ROOT = Path(settings.BASE_DIR)
APPS = ["blocs", "pledges", "scoring", "reports", "config"]
REGISTRY = ROOT / "blocs" / "awards.py"
# An award's code as a string; not an HTML class of the same word (the report
# table's "to check" mark is written in Python: pledges.forms.rows_html).
CODE = re.compile(r"""(?<!class=)["'](flag|merit)["']""")
WORDING = re.compile(
    r"cờ thi đua|bằng khen|emulation flag|certificate of merit", re.IGNORECASE
)


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and path != REGISTRY:
                yield path
    yield from (ROOT / "templates").rglob("*.html")


def test_no_module_or_template_names_an_award_but_the_registry():
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        patterns = [WORDING] + ([CODE] if path.suffix == ".py" else [])
        for pattern in patterns:
            found += [
                f"{path.relative_to(ROOT)}: {m.group(0)}"
                for m in pattern.finditer(text)
            ]
    assert found == []


def test_choices_follow_the_registry():
    codes = [a.code for a in AWARDS]
    assert Submission.Award.values == ["none", *codes]
    assert VotingRound.Kind.values == [*codes, "head", "deputy"]
    with translation.override("en"):
        assert [str(Submission.Award(c).label) for c in codes] == [
            str(a.label) for a in AWARDS
        ]


@pytest.mark.parametrize(
    ("ministry", "flag"),
    [
        ("Bộ Kế hoạch và Đầu tư", "Cờ thi đua của Bộ Kế hoạch và Đầu tư"),
        ("Bộ Tài chính", "Cờ thi đua của Bộ Tài chính"),
    ],
)
def test_award_names_carry_the_ministry_of_the_date(ministry, flag):
    assert award_name("flag", ministry) == flag
    assert award_name("merit", ministry) == f"Bằng khen của Bộ trưởng {ministry}"


def test_the_comparison_and_the_nomination_loop_over_the_registry(db, client):
    from tests import factories

    ministry = factories.user(role="ministry_viewer")
    client.force_login(ministry)
    factories.bloc_year(bloc=factories.bloc(), year=2023, members=[factories.board()])
    page = client.get("/ministry/compare/?year=2023")
    assert page.status_code == 200
    for a in AWARDS:
        with translation.override("vi"):
            assert str(a.label) in page.text
