"""The summary report (báo cáo tổng kết): figures, totals, chart, scores,
awards and next year's leaders."""

from decimal import Decimal

from blocs.fund.selectors import fund_report
from blocs.models import BlocYear
from blocs.selectors import boards_named_in
from blocs.templatetags.vn import num
from pledges import calc
from pledges.models import ExchangeRate, Indicator, Submission
from pledges.selectors import bloc_totals
from reports.charts import bar_chart_svg
from reports.documents.formatting import percent, short_date
from reports.documents.people import (
    heads,
    leader_block,
    missing_sections,
    missing_signers,
    paragraphs,
)
from reports.documents.reads import (
    _approved_only,
    _awards,
    _header,
    _main_indicators,
    _members,
    _next_leaders,
    _totals,
    _unit_label,
    _values,
    inferred_ids,
)
from scoring.models import Score

# The sections the secretariat writes, in the order the report prints them
# (Decree 30 leaves the body to the issuer; the ministry's guidance asks for
# results, shortcomings and causes, lessons, next year's directions).
SUMMARY_SECTIONS = ["results", "shortcomings", "lessons", "directions"]


def _host_name(bloc_year: BlocYear) -> str:
    host = bloc_year.host
    boards_named_in([host], year=bloc_year.year)
    return host.name if host else ""


def build_summary(bloc_year: BlocYear, *, issue_day=None) -> dict:
    ctx = _header("summary", bloc_year, issue_day=issue_day)
    members = _members(bloc_year)
    inferred = inferred_ids(bloc_year)
    indicators = _main_indicators(bloc_year)
    approved_only = _approved_only(bloc_year)
    values = _values(bloc_year, indicators, approved_only=approved_only)
    totals = _totals(bloc_year, indicators, approved_only)
    tables = []
    chart_rows: list[tuple[str, Decimal | None]] = []
    for position, indicator in enumerate(indicators):
        rows = []
        for n, board in enumerate(members, start=1):
            value = values.get((board.pk, indicator.pk))
            plan, actual = (value.plan, value.actual) if value else (None, None)
            share = calc.percent_of_plan(actual, plan)
            rows.append(
                {
                    "n": n,
                    "board": board.short_name,
                    "plan": num(plan),
                    "actual": num(actual),
                    "percent": percent(share),
                }
            )
            if position == 0:
                chart_rows.append((board.short_name, share))
        tables.append(
            {
                "name": indicator.name,
                "unit": _unit_label(indicator),
                "rows": rows,
                "total": totals[indicator.pk],
            }
        )
    summed = [
        row.indicator
        for row in bloc_totals(bloc_year, approved_only=approved_only)
        if row.total.actual is not None and row.indicator.kind != Indicator.Kind.BOOLEAN
    ]
    bloc_rows = list(_totals(bloc_year, summed, approved_only).values())
    approved = bloc_year.submissions.filter(status=Submission.Status.APPROVED).count()
    # Figures typed in the other currency were converted with it: the
    # reader of the totals must be able to redo the arithmetic.
    rate = ExchangeRate.objects.filter(bloc_year=bloc_year).first()
    scores = list(
        Score.objects.filter(bloc_year=bloc_year)
        .select_related("board")
        .order_by("rank", "board__name")
    )
    boards_named_in((s.board for s in scores), year=bloc_year.year)
    scores.sort(key=lambda s: (s.rank, s.board.name))  # the year's names
    next_head, next_deputy = _next_leaders(bloc_year)
    signer = leader_block(
        board=ctx["head_board"],
        heads_by_board=heads(
            [ctx["head_board"]] if ctx["head_board"] else [], ctx["day"]
        ),
        authority=f"TM. {ctx['unit'].upper()} THI ĐUA",
        title=ctx["head_title"].upper(),
    )
    sections = ctx["sections"]
    ctx["missing"] = missing_signers([signer]) + missing_sections(
        sections, SUMMARY_SECTIONS
    )
    return ctx | {
        "signatures": [signer],
        "title": f"Tổng kết công tác thi đua năm {bloc_year.year}",
        "members": [
            {"n": n, "name": b.name, "inferred": b.pk in inferred}
            for n, b in enumerate(members, 1)
        ],
        "any_inferred": bool(inferred),
        "members_count": len(members),
        "conference_date": short_date(bloc_year.conference_date),
        "conference_place": bloc_year.conference_place,
        "host": _host_name(bloc_year),
        "approved_only": approved_only,
        "approved_count": approved,
        "tables": tables,
        "exchange_rate": {"rate": num(rate.vnd_per_usd), "source": rate.source}
        if rate
        else None,
        "bloc_totals": bloc_rows,
        "unusual_totals": any(t["unusual"] for t in bloc_rows),
        "chart_title": tables[0]["name"] if tables else "",
        "chart_svg": bar_chart_svg(chart_rows) if chart_rows else "",
        "narrative": {
            name: paragraphs(getattr(sections, name)) for name in SUMMARY_SECTIONS
        },
        "scores": [
            {"rank": s.rank, "board": s.board.short_name, "total": num(s.total)}
            for s in scores
        ],
        "awards": _awards(bloc_year, ctx["ministry"]),
        "fund": _fund(bloc_year),
        "next_year": str(bloc_year.year + 1),
        "next_head": next_head,
        "next_deputy": next_deputy,
    }


def _fund(bloc_year: BlocYear) -> dict | None:
    """The fund's statement as the report prints it (đồng, grouped), or None
    when the bloc kept no fund that year."""
    report = fund_report(bloc_year)
    if report is None:
        return None
    s = report.statement
    return {
        "opening": num(s.opening),
        "due": num(s.due),
        "paid": num(s.paid),
        "outstanding": num(s.outstanding),
        "expenses": num(s.expenses),
        "closing": num(s.closing),
        "illustrative": report.fund_year.illustrative,
        "rows": [
            {"n": n, "date": short_date(e.spent_on), "purpose": e.purpose}
            | {"amount": num(e.amount)}
            for n, e in enumerate(report.expenses, 1)
        ],
    }


def board_charts(bloc_year: BlocYear) -> list[tuple[Indicator, str]]:
    """For the web pages: % of plan per board of each main indicator, as the
    summary report draws it, from approved reports only (a draft of another
    board is not for every reader). Four queries whatever the size."""
    members = _members(bloc_year)
    indicators = _main_indicators(bloc_year)
    values = _values(bloc_year, indicators, approved_only=True)
    charts = []
    for indicator in indicators:
        rows = []
        for board in members:
            value = values.get((board.pk, indicator.pk))
            share = calc.percent_of_plan(value.actual, value.plan) if value else None
            rows.append((board.short_name, share))
        if any(share is not None for _name, share in rows):
            charts.append((indicator, bar_chart_svg(rows)))
    return charts
