"""Form markup written in one pass of string formatting, the same as Django's
widget templates write it. Django renders each input, and each option of a
select, through several templates: a page's 150 inputs (the report form) or
a select of some 300 boards (the ministry's filters) cost more there than
the rest of the page. tests/blocs/test_widgets.py and
tests/pledges/test_report_form.py compare both, character for character."""

import html

from django import forms
from django.utils.safestring import SafeString, mark_safe


def escape(value) -> str:
    """Django's ``escape`` (what autoescaping does to a plain string) without
    its lazy-string wrapper, which costs more than the escaping here."""
    return html.escape(str(value))


def attrs_html(attrs: dict) -> str:
    """What Django's ``django/forms/widgets/attrs.html`` writes, escaped."""
    return "".join(
        f" {escape(key)}" if value is True else f' {escape(key)}="{escape(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


def select_html(name_html: str, attrs: dict, choices, values: list[str]) -> str:
    """What ``django/forms/widgets/select.html`` writes for flat choices and
    one value: the first option among ``values`` is selected."""
    return select_around(name_html, attrs_html(attrs), options_html(choices, values))


def select_around(name_html: str, attrs_markup: str, options_markup: str) -> str:
    """The select element around its options (``options_html``), its
    attributes already written (``attrs_html``)."""
    return f'<select name="{name_html}"{attrs_markup}>{options_markup}\n</select>'


def options_html(choices, values: list[str]) -> str:
    """The options of ``select_html``."""
    options = []
    chosen = False
    for option, label in choices:
        option = "" if option is None else option
        selected = not chosen and str(option) in values
        chosen |= selected
        options.append(
            f'\n  <option value="{escape(option)}"'
            f"{' selected' if selected else ''}>{escape(label)}</option>\n"
        )
    return "".join(options)


class FastSelect(forms.Select):
    """A select of flat choices, written by ``select_html``."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if self.allow_multiple_selected or any(
            isinstance(label, list | tuple) for _option, label in self.choices
        ):
            return super().render(name, value, attrs, renderer)  # not flat
        built = self.build_attrs(self.attrs, attrs)
        markup = select_html(
            escape(name), built, self.choices, self.format_value(value)
        )
        return mark_safe(markup)  # noqa: S308 (every piece escaped above)
