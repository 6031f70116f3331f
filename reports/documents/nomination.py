"""The nomination (tờ trình) to the minister for the awards of the registry."""

from django.utils.translation import gettext as _

from blocs.awards import AWARDS
from blocs.models import BlocYear
from reports.documents.formatting import short_date
from reports.documents.people import (
    heads,
    leader_block,
    missing_signers,
    paragraphs,
)
from reports.documents.reads import (
    _approved_only,
    _awards,
    _header,
    _legal_bases,
    _main_indicators,
    _totals,
)


def build_nomination(bloc_year: BlocYear, *, issue_day=None) -> dict:
    ctx = _header("nomination", bloc_year, issue_day=issue_day)
    indicators = _main_indicators(bloc_year)
    approved_only = _approved_only(bloc_year)
    awards = _awards(bloc_year, ctx["ministry"])
    sections = ctx["sections"]
    summaries = (
        {a.board_id: a.text for a in sections.achievements.all()} if sections.pk else {}
    )
    names = [a["short_name"] for a in awards] or [a.short_wording for a in AWARDS]
    for a in awards:
        for row in a["rows"]:
            row["achievement"] = paragraphs(summaries.get(row["board_id"], ""))
    signer = leader_block(
        board=ctx["head_board"],
        heads_by_board=heads(
            [ctx["head_board"]] if ctx["head_board"] else [], ctx["day"]
        ),
        authority=f"TM. {ctx['unit'].upper()} THI ĐUA",
        title=ctx["head_title"].upper(),
    )
    missing = missing_signers([signer])
    missing += [
        _("Achievement summary: %(board)s") % {"board": row["board"]}
        for a in awards
        for row in a["rows"]
        if not row["achievement"]
    ]
    if not awards and not sections.proposal:
        missing.append(str(sections._meta.get_field("proposal").verbose_name))
    ctx["missing"] = missing
    return ctx | {
        "title": (
            f"Về việc đề nghị tặng {' và '.join(names)} năm {bloc_year.year}"
            if awards
            else f"Về việc đề nghị khen thưởng năm {bloc_year.year}"
        ),
        "legal_bases": _legal_bases(ctx["reference_day"]),
        "conference_date": short_date(bloc_year.conference_date),
        "conference_place": bloc_year.conference_place,
        "members_count": bloc_year.memberships.count(),
        "approved_only": approved_only,
        "bloc_totals": list(_totals(bloc_year, indicators, approved_only).values()),
        "awards": awards,
        "proposal": paragraphs(sections.proposal),
        "signatures": [signer],
        "attachments": ["Biên bản bỏ phiếu", "Bảng điểm", "Báo cáo thành tích"]
        if awards
        else ["Báo cáo thành tích"],
    }
