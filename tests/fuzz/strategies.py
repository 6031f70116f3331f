"""What a careless or hostile user types: random text with control
characters, numbers written the Vietnamese or the English way, huge and tiny
values, and random file bytes under random names."""

import os
from decimal import Decimal

from django.utils import numberformat
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Two profiles. "ci" (the default, in `make test`) is bounded and derandomised
# so that the whole fuzz folder runs in well under a minute and never fails by
# chance; "long" (`make fuzz`, FUZZ_PROFILE=long) tries many more examples from
# a fresh random seed each run, and prints how to replay a failure.
_HEALTH = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
]
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=_HEALTH,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "1000")),
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=_HEALTH,
)
FUZZ = settings.get_profile(os.environ.get("FUZZ_PROFILE", "ci"))

CONTROL = "".join(chr(c) for c in [*range(32), 127, 0x85, 0x2028, 0x202E, 0xFEFF])
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="xă", min_size=2001, max_size=6000),  # over every max_length
    st.text(alphabet=st.sampled_from(CONTROL + "aă1,.-<>&\"'"), max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "<script>alert(1)</script>",
            '=HYPERLINK("http://x")',
            "Khu công nghiệp Dung Quất",
        ]
    ),
)


def _grouped(number: Decimal, decimal_sep: str, thousand_sep: str) -> str:
    return numberformat.format(
        number,
        decimal_sep,
        grouping=3,
        thousand_sep=thousand_sep,
        force_grouping=True,
        use_l10n=False,
    )


decimals = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=4),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**40), max_value=10**40).map(Decimal),
)
numbers = st.one_of(
    decimals.map(lambda d: _grouped(d, ",", ".")),  # Vietnamese: 2.470,7
    decimals.map(lambda d: _grouped(d, ".", ",")),  # English: 2,470.7
    decimals.map(str),  # machine: 2470.7, 1E+40
    st.sampled_from(
        ["NaN", "-Infinity", "inf", "1e309", "9" * 40, "-0", "0,00001", "١٢٣", "1.2.3"]
    ),
    texts,
)


@st.composite
def uploads(draw) -> tuple[str, bytes]:
    """A file name and its bytes: sometimes a real PDF or PNG head, sometimes
    a lie about its type, sometimes nothing at all."""
    stem = draw(st.one_of(st.text(max_size=30), st.sampled_from(["bao cao", "..", ""])))
    extension = draw(
        st.sampled_from(
            [
                ".pdf",
                ".PDF",
                ".png",
                ".jpg",
                ".docx",
                ".xlsx",
                ".doc",
                ".exe",
                ".html",
                "",
            ]
        )
    )
    head = draw(
        st.sampled_from(
            [b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04"]
        )
    )
    body = draw(st.binary(max_size=300))
    return stem + extension, head + body
