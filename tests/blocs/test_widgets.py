"""FastSelect writes what Django's select templates write, character for
character, for the cases the portal's selects meet."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy, override

from blocs.widgets import FastSelect
from reports.forms import CompareFilterForm, OverviewFilterForm

CHOICES = [
    ("", "—"),
    (2016, "2016"),
    ("a&b", 'Ban "Quản lý" <KCN> & KKT'),
    ("kcn", gettext_lazy("Year")),
    (None, "none"),
]


@pytest.mark.parametrize("value", [None, "", 2016, "2016", "a&b", "missing", ["kcn"]])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_board"},
        {"id": "id_x", "disabled": True, "required": True, "aria-invalid": "true"},
        {"class": 'q"uote', "data-x": False},
    ],
)
def test_fast_select_writes_what_django_writes(value, attrs):
    with override("vi"):
        fast = FastSelect(choices=CHOICES).render("board", value, attrs)
        django = forms.Select(choices=CHOICES).render("board", value, attrs)
    assert fast == django


def test_grouped_or_multiple_choices_are_left_to_django():
    grouped = [("Nhóm", [("1", "Một"), ("2", "Hai")]), ("3", "Ba")]
    assert FastSelect(choices=grouped).render("x", "2") == forms.Select(
        choices=grouped
    ).render("x", "2")
    multiple = forms.SelectMultiple(choices=CHOICES).render("x", ["kcn", 2016])
    fast = type("FastMultiple", (FastSelect,), {"allow_multiple_selected": True})
    assert fast(choices=CHOICES).render("x", ["kcn", 2016]) == multiple


def _with_django_selects(form):
    for field in form.fields.values():
        widget = forms.Select(attrs=field.widget.attrs)
        widget.choices = field.widget.choices
        field.widget = widget
    return form


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"year": "2023", "region": "Miền Trung", "board": "7", "status": "closed"},
        {"year": "nope", "board": "99999", "indicator": "<script>"},
    ],
)
def test_the_ministrys_filter_forms_are_written_as_django_would(data):
    kwargs = {"years": [2016, 2023, 2024], "regions": ["Miền Trung", "Tây Nguyên"]}
    boards = [(7, "KKT Dung Quất"), (8, 'Ban "A" & B')]
    with override("vi"):
        for make in (
            lambda: OverviewFilterForm(data, boards=boards, **kwargs),
            lambda: CompareFilterForm(data, **kwargs),
        ):
            fast, slow = make(), _with_django_selects(make())
            fast.is_valid(), slow.is_valid()
            for name in fast.fields:
                assert str(fast[name]) == str(slow[name]), name
