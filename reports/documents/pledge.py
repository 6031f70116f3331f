"""The pledge (giao ước thi đua): parties, commitments, targets, and the
signature of each member board's head."""

from decimal import Decimal

from blocs.models import BlocYear
from blocs.templatetags.vn import num
from pledges.models import Pledge
from reports.documents.formatting import _province, date_line
from reports.documents.people import heads, member_block, missing_signers
from reports.documents.reads import (
    _header,
    _legal_bases,
    _main_indicators,
    _members,
    _unit_label,
    _values,
    inferred_ids,
)


def build_pledge(bloc_year: BlocYear, *, issue_day=None) -> dict:
    pledge = Pledge.objects.filter(bloc_year=bloc_year).first()
    signing = pledge.signing_date if pledge else None
    ctx = _header(
        "pledge", bloc_year, signing, issue_day=issue_day, at_conference=False
    )
    if pledge is not None and pledge.signing_place:
        place = _province(pledge.signing_place)
        ctx["place"] = place
        if ctx["day"]:
            ctx["place_date"] = date_line(place, ctx["day"])
        else:
            ctx["place_date"] = f"{place}, ngày      tháng      năm"
    members = _members(bloc_year)
    inferred = inferred_ids(bloc_year)
    indicators = _main_indicators(bloc_year)
    values = _values(bloc_year, indicators, approved_only=False)
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
    by_board = heads(members, ctx["day"])
    signatures = [member_block(b, by_board) for b in members]
    ctx["missing"] = missing_signers(signatures)
    return ctx | {
        "title": pledge.title if pledge else f"Giao ước thi đua năm {bloc_year.year}",
        "legal_bases": _legal_bases(ctx["reference_day"]),
        "parties": [
            {"n": n, "name": b.name, "inferred": b.pk in inferred}
            for n, b in enumerate(members, 1)
        ],
        "any_inferred": bool(inferred),
        "commitments": (
            [{"n": c.number, "text": c.text} for c in pledge.commitments.all()]
            if pledge
            else []
        ),
        "indicators": [{"name": i.name, "unit": _unit_label(i)} for i in indicators],
        "target_rows": rows,
        "target_totals": [num(sums.get(i.pk)) for i in indicators],
        "signatures": signatures,
        "members_count": len(members),
    }
