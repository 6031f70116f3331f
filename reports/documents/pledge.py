"""The pledge (giao ước thi đua): parties, commitments, targets, signatures."""

import datetime as dt
from decimal import Decimal

from blocs.models import BlocYear
from blocs.templatetags.vn import num
from pledges.models import Pledge
from reports.documents.formatting import _province, date_line, short_date
from reports.documents.reads import (
    _header,
    _legal_bases,
    _main_indicators,
    _members,
    _unit_label,
    _values,
)


def build_pledge(bloc_year: BlocYear) -> dict:
    pledge = Pledge.objects.filter(bloc_year=bloc_year).first()
    signing = (pledge.signing_date if pledge else None) or dt.date(bloc_year.year, 1, 1)
    ctx = _header("pledge", bloc_year)
    if pledge is not None and pledge.signing_date:
        place = _province(pledge.signing_place) or ctx["place_date"].split(",")[0]
        ctx["place_date"] = date_line(place, pledge.signing_date)
        ctx["day"] = pledge.signing_date
    members = _members(bloc_year)
    indicators = _main_indicators(bloc_year)
    values = _values(bloc_year, indicators, approved_only=False)
    signatures = (
        {s.board_id: s.signed_at for s in pledge.signatures.all()} if pledge else {}
    )
    sums: dict[int, Decimal | None] = {}
    rows = []
    for n, board in enumerate(members, start=1):
        plans = []
        for i in indicators:
            value = values.get((board.pk, i.pk))
            plan = value.plan if value else None
            if plan is not None:
                sums[i.pk] = (sums.get(i.pk) or Decimal(0)) + plan
            plans.append(num(plan))
        rows.append({"n": n, "board": board.short_name, "plans": plans})
    return ctx | {
        "title": pledge.title if pledge else f"Giao ước thi đua năm {bloc_year.year}",
        "legal_bases": _legal_bases(signing),
        "parties": [{"n": n, "name": b.name} for n, b in enumerate(members, 1)],
        "commitments": (
            [{"n": c.number, "text": c.text} for c in pledge.commitments.all()]
            if pledge
            else []
        ),
        "indicators": [{"name": i.name, "unit": _unit_label(i)} for i in indicators],
        "target_rows": rows,
        "target_totals": [num(sums.get(i.pk)) for i in indicators],
        "signatures": [
            {
                "n": n,
                "board": b.name,
                "date": short_date(signatures.get(b.pk)),
                "signed": b.pk in signatures,
            }
            for n, b in enumerate(members, 1)
        ],
        "signed_count": sum(1 for b in members if b.pk in signatures),
        "members_count": len(members),
    }
