"""The strict number parser of each language (blocs/numbers.py), without a
database: what it accepts displays back as the same number; what is
malformed or ambiguous is refused with the expected format."""

import re
from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blocs import numbers
from blocs.numbers import EN, VI, NumberError, parse, parse_whole
from blocs.templatetags.vn import num

LANGUAGES = {"vi": VI, "en": EN}

PROPERTY = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Random strings, mostly made of what numbers are made of, so that many are
# accepted in one language or the other; plus any text at all.
number_like = st.one_of(
    st.text(alphabet="0123456789.,-+_ ", max_size=16),
    st.text(alphabet="0123456789.,", min_size=1, max_size=12),
    st.from_regex(r"\A-?[0-9]{1,3}([.,][0-9]{3}){0,4}([.,][0-9]{1,4})?\Z"),
    st.text(max_size=12),
)


def _shown(number: D, language: str) -> str:
    with translation.override(language):
        return num(number)


@PROPERTY
@given(text=number_like, language=st.sampled_from(sorted(LANGUAGES)))
def test_whatever_is_accepted_displays_back_as_the_same_number(text, language):
    style = LANGUAGES[language]
    try:
        number = parse(text, style)
    except NumberError as error:
        refusal = error
    else:
        refusal = None
    if refusal is not None:
        # Every refusal says how to write numbers in this language.
        with translation.override(language):
            assert style.write(D(2470)) in refusal.message
        return
    shown = _shown(number, language)
    # The page shows it the language's way, and that reads back the same.
    assert parse(shown, style) == number
    # It is the number the digits say, separators read the language's way.
    plain = text.strip().replace(style.thousand, "").replace(style.decimal, ".")
    assert D(plain) == number
    # Groups of exactly three digits, at most one decimal separator.
    written = text.strip().lstrip("+-")
    whole = written.split(style.decimal)[0]
    assert written.count(style.decimal) <= 1
    groups = whole.split(style.thousand)
    assert all(len(g) == 3 for g in groups[1:])
    assert style.thousand not in whole or 1 <= len(groups[0]) <= 3
    assert re.fullmatch(r"[0-9.,+-]+", text.strip())


@PROPERTY
@given(
    number=st.decimals(
        min_value=-(10**16), max_value=10**16, places=4, allow_nan=False
    ),
    language=st.sampled_from(sorted(LANGUAGES)),
)
def test_every_number_the_portal_shows_is_read_back(number, language):
    assert parse(_shown(number, language), LANGUAGES[language]) == number


@pytest.mark.parametrize(
    ("typed", "style"),
    [
        ("1,2,3", EN),
        ("1,2,3", VI),
        ("12,5,", EN),
        ("12,5,", VI),
        ("1_000", EN),
        ("1_000", VI),
        ("1.2.3", VI),
        ("1.2.3", EN),
        ("1e3", EN),
        ("", VI),
        ("12.", EN),
        (",5", VI),
        ("1.23.456", VI),
        ("1,234,56", EN),
        ("\uff11\uff12", EN),  # full-width digits
        ("- 3", VI),
    ],
)
def test_malformed_numbers_are_refused_with_the_expected_format(typed, style):
    with pytest.raises(NumberError) as refused:
        parse(typed, style)
    assert refused.value.suggestion is None
    with translation.override("en" if style == EN else "vi"):
        message = refused.value.message
    assert style.write(D("2470.7")) in message  # the example, the user's way


@pytest.mark.parametrize(
    ("typed", "style", "suggestion"),
    [
        ("2,5", EN, "2.5"),
        ("0,5", EN, "0.5"),
        ("0,00001", EN, "0.00001"),
        ("2.470,7", EN, "2,470.7"),
        ("2.5", VI, "2,5"),
        ("2,470.7", VI, "2.470,7"),
    ],
)
def test_a_number_written_the_other_languages_way_is_refused_with_a_hint(
    typed, style, suggestion
):
    with pytest.raises(NumberError) as refused:
        parse(typed, style)
    assert refused.value.suggestion == suggestion
    with translation.override("en" if style == EN else "vi"):
        assert f"write {suggestion}" in refused.value.message or (
            f"hãy viết {suggestion}" in refused.value.message
        )


def test_messages_are_in_the_users_language():
    with pytest.raises(NumberError) as refused:
        parse("1_000", VI)
    with translation.override("vi"):
        assert refused.value.message.startswith("Nhập một số theo dạng 2.470,7")
    with pytest.raises(NumberError) as ambiguous:
        parse("2,5", EN)
    with translation.override("en"):
        assert ambiguous.value.message.startswith("“2,5” is ambiguous: write 2.5.")


@pytest.mark.parametrize(
    ("typed", "style", "number"),
    [
        ("2.470,7", VI, D("2470.7")),
        ("2,470.7", EN, D("2470.7")),
        ("1.000", VI, D(1000)),
        ("1,000", EN, D(1000)),
        ("1000", VI, D(1000)),
        ("0,00001", VI, D("0.00001")),
        ("  -12,5 ", VI, D("-12.5")),
        ("+7", EN, D(7)),
        ("1.234.567,89", VI, D("1234567.89")),
    ],
)
def test_well_formed_numbers_are_read_exactly(typed, style, number):
    assert parse(typed, style) == number


def test_negative_zero_is_zero():
    assert str(parse("-0", VI)) == "0"


def test_too_many_digits_are_refused_not_rounded():
    with pytest.raises(NumberError) as refused:
        parse("1" * 29, EN)
    assert refused.value.reason == "digits"
    assert parse("1" * numbers.MAX_DIGITS, EN) == D("1" * numbers.MAX_DIGITS)


def test_whole_numbers():
    assert parse_whole("1.229", VI) == 1229
    assert parse_whole("12,0", VI) == 12
    for typed in ("12,5", "1_2", "1.2.3"):
        with pytest.raises(NumberError) as refused:
            parse_whole(typed, VI)
        assert refused.value.reason == "whole"
        with translation.override("vi"):
            assert "2.470" in refused.value.message
    with pytest.raises(NumberError) as ambiguous:
        parse_whole("2,5", EN)
    assert ambiguous.value.reason == "ambiguous"


def test_active_style_follows_the_language():
    with translation.override("vi"):
        assert numbers.active_style() == VI
    with translation.override("en"):
        assert numbers.active_style() == EN
