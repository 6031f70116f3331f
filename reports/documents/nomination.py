"""The nomination (tờ trình) for the flag and the minister's certificate."""

from blocs.models import BlocYear
from reports.documents.formatting import short_date
from reports.documents.reads import (
    _approved_only,
    _awards,
    _header,
    _legal_bases,
    _main_indicators,
    _totals,
)


def build_nomination(bloc_year: BlocYear) -> dict:
    ctx = _header("nomination", bloc_year)
    indicators = _main_indicators(bloc_year)
    approved_only = _approved_only(bloc_year)
    return ctx | {
        "title": (
            f"Về việc đề nghị tặng Cờ thi đua và Bằng khen của Bộ trưởng "
            f"năm {bloc_year.year}"
        ),
        "legal_bases": _legal_bases(ctx["day"]),
        "conference_date": short_date(bloc_year.conference_date),
        "conference_place": bloc_year.conference_place,
        "members_count": bloc_year.memberships.count(),
        "approved_only": approved_only,
        "bloc_totals": list(_totals(bloc_year, indicators, approved_only).values()),
        "awards": _awards(bloc_year),
        "attachments": ["Biên bản bỏ phiếu", "Bảng điểm", "Báo cáo thành tích"],
    }
