"""The award kinds a bloc proposes to its ministry: the one place that names
them. Models' choices, voting rounds, documents and the ministry's comparison
loop over ``AWARDS``; adding a kind means a row here and a migration for the
choices that follow it.

The ministry that gives an award changes (Planning and Investment until
28/02/2025, then Finance: Decree 29/2025/NĐ-CP), so the printed name is the
wording filled with the ministry of the document's date.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Award:
    code: str
    label: Promise  # for choices and pages
    round_label: Promise  # the voting round that nominates for it
    includes: Promise  # what it is given for (Law 06/2022/QH15 Art. 26, 74)
    # Registrations (a board's award aimed for) that may be nominated for it:
    # a board aiming for the flag may also be proposed for the certificate.
    accepts: tuple[str, ...]
    # Administrative documents are Vietnamese only (Decree 30/2020/NĐ-CP).
    wording: str  # filled with the ministry's name
    short_wording: str  # in a title that names the ministry already


AWARDS: tuple[Award, ...] = (
    Award(
        code="flag",
        label=_("Ministry emulation flag"),
        round_label=_("Nomination for the ministry emulation flag"),
        accepts=("flag",),
        includes=_("For the unit that leads its bloc in the year's emulation."),
        wording="Cờ thi đua của {ministry}",
        short_wording="Cờ thi đua",
    ),
    Award(
        code="merit",
        label=_("Minister's certificate of merit"),
        round_label=_("Nomination for the minister's certificate of merit"),
        accepts=("merit", "flag"),
        includes=_("For units with excellent results in the year."),
        wording="Bằng khen của Bộ trưởng {ministry}",
        short_wording="Bằng khen của Bộ trưởng",
    ),
)
AWARD_CODES: tuple[str, ...] = tuple(a.code for a in AWARDS)


def award(code: str) -> Award:
    for a in AWARDS:
        if a.code == code:
            return a
    raise KeyError(code)


def award_name(code: str, ministry: str) -> str:
    """“Cờ thi đua của Bộ Kế hoạch và Đầu tư”."""
    return award(code).wording.format(ministry=ministry)


def choice_members(*, round_labels: bool = False) -> list[tuple[str, tuple]]:
    """Members for a ``TextChoices`` built from the registry: ``FLAG =
    ("flag", label)``, in the registry's order."""
    return [
        (a.code.upper(), (a.code, a.round_label if round_labels else a.label))
        for a in AWARDS
    ]


def nomination_title(code: str, year: int) -> str:
    """A voting round's title in the documents' words."""
    return f"Bình xét đề nghị tặng {award(code).short_wording} năm {year}"
