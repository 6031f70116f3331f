"""The four year-end documents: a plain context per document, then a PDF.

Each ``build_<kind>(bloc_year)`` returns ordered, totalled and formatted
strings ready to print (Vietnamese numbers: 2.470,7; percentages to two
decimals without trailing zeros: 242,97). The documents are Vietnamese only,
as administrative documents are, so their text lives in the templates.
"""

import datetime as dt
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone, translation

from blocs.models import Bloc, BlocYear, Board, Membership
from blocs.selectors import ministry_on
from blocs.templatetags.vn import num
from pledges import calc
from pledges.models import Indicator, Pledge, Submission, Value
from pledges.selectors import bloc_totals
from reports import pdf
from reports.charts import bar_chart_svg
from reports.models import LegalBasis
from scoring.models import Score, VotingRound
from scoring.services import round_count

# The indicators the tables show when the year plans them (A4 has room for
# a few); otherwise the first five planned ones.
MAIN_CODES = ["new-projects", "new-capital-usd", "export", "budget"]
FALLBACK_COUNT = 5

# Sequence and type abbreviation of each document's number (Decree 30).
NUMBERS = {"pledge": (1, "GU"), "summary": (2, "BC"), "minutes": (3, "BB")}
NUMBERS["nomination"] = (4, "TTr")

AWARD_KINDS = [VotingRound.Kind.FLAG, VotingRound.Kind.MERIT]
AWARD_NAMES = {
    VotingRound.Kind.FLAG: "Cờ thi đua",
    VotingRound.Kind.MERIT: "Bằng khen của Bộ trưởng",
}
PROVINCE_PREFIXES = ("thành phố ", "tp. ", "tp ", "tỉnh ")


# Formatting ---------------------------------------------------------------------


def date_line(place: str, day: dt.date) -> str:
    """“Quảng Ngãi, ngày 28 tháng 12 năm 2023”: a leading zero for days under
    10 and for January and February (Decree 30/2020/NĐ-CP)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


def short_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else num(value)


def doc_number(kind: str, bloc: Bloc) -> str:
    sequence, abbreviation = NUMBERS[kind]
    return f"{sequence:02d}/{abbreviation}-{_unit(bloc)[2]}"


def _unit(bloc: Bloc) -> tuple[str, str, str]:
    """(“khối”, “Khối trưởng”, “KTĐ”) or the cluster's words."""
    if bloc.kind == Bloc.Kind.CLUSTER:
        return "cụm", "Cụm trưởng", "CTĐ"
    return "khối", "Khối trưởng", "KTĐ"


def _province(text: str) -> str:
    """The province of a place: “Khách sạn X, tỉnh Quảng Ngãi” → “Quảng Ngãi”."""
    text = text.rsplit(",", 1)[-1].strip()
    for prefix in PROVINCE_PREFIXES:
        if text.lower().startswith(prefix):
            return text[len(prefix) :].strip()
    return text


# Reads shared by the documents ------------------------------------------------------


def _leaders(bloc_year: BlocYear) -> tuple[Board | None, Board | None]:
    roles = {
        m.role: m.board
        for m in bloc_year.memberships.exclude(role=Membership.Role.MEMBER)
        .select_related("board")
        .order_by("role")
    }
    return roles.get(Membership.Role.HEAD), roles.get(Membership.Role.DEPUTY)


def vn_key(text: str) -> str:
    """Sort key in Vietnamese order, roughly: marks ignored, Đ after D."""
    text = text.lower().replace("đ", "d{")  # "{" sorts after "z"
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _members(bloc_year: BlocYear) -> list[Board]:
    boards = [m.board for m in bloc_year.memberships.select_related("board")]
    return sorted(boards, key=lambda b: (vn_key(b.province), vn_key(b.name)))


def _legal_bases(day: dt.date) -> list[str]:
    return list(
        LegalBasis.objects.filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("order", "valid_from", "pk")
        .values_list("citation", flat=True)
    )


def _main_indicators(bloc_year: BlocYear) -> list[Indicator]:
    """Summed numeric indicators with a plan someone entered: the main ones if
    planned, else the first five."""
    planned = list(
        bloc_year.indicators.filter(
            has_plan=True,
            aggregation=Indicator.Aggregation.SUM,
            kind__in=[Indicator.Kind.INTEGER, Indicator.Kind.DECIMAL],
            values__plan__isnull=False,
        )
        .distinct()
        .order_by("order", "code")
    )
    main = [i for i in planned if i.code in MAIN_CODES]
    return main or planned[:FALLBACK_COUNT]


def _approved_only(bloc_year: BlocYear) -> bool:
    return bloc_year.submissions.filter(status=Submission.Status.APPROVED).exists()


def _values(
    bloc_year: BlocYear, indicators: list[Indicator], *, approved_only: bool
) -> dict[tuple[int, int], Value]:
    values = Value.objects.filter(
        submission__bloc_year=bloc_year, indicator__in=indicators
    ).select_related("submission")
    if approved_only:
        values = values.filter(submission__status=Submission.Status.APPROVED)
    return {(v.submission.board_id, v.indicator_id): v for v in values}


def _unit_label(indicator: Indicator) -> str:
    with translation.override("vi"):
        return str(indicator.get_unit_display())


def _totals(
    bloc_year: BlocYear, indicators: list[Indicator], approved_only: bool
) -> dict[int, dict]:
    """Bloc totals of the given indicators, by indicator id, in their order."""
    wanted = {i.pk for i in indicators}
    return {
        row.indicator.pk: {
            "name": row.indicator.name,
            "unit": _unit_label(row.indicator),
            "plan": num(row.total.plan),
            "actual": num(row.total.actual),
            "percent": percent(row.total.percent),
            "reported": row.total.reported,
        }
        for row in bloc_totals(bloc_year, approved_only=approved_only)
        if row.indicator.pk in wanted
    }


def _rounds(bloc_year: BlocYear, kinds=None) -> list[VotingRound]:
    rounds = bloc_year.voting_rounds.filter(status=VotingRound.Status.CLOSED)
    if kinds is not None:
        rounds = rounds.filter(kind__in=kinds)
    return list(rounds.prefetch_related("candidates__board").order_by("pk"))


def _awards(bloc_year: BlocYear) -> list[dict]:
    """Per award (flag, merit): the chosen boards with votes, share, score."""
    awards = []
    for kind in AWARD_KINDS:
        chosen = [
            c
            for r in _rounds(bloc_year, [kind])
            for c in r.candidates.all()
            if c.elected
        ]
        chosen.sort(key=lambda c: (c.score_rank or 999, c.board.name))
        awards.append(
            {
                "kind": kind,
                "name": AWARD_NAMES[kind],
                "rows": [
                    {
                        "board": c.board.name,
                        "short": c.board.short_name,
                        "votes": num(c.votes),
                        "share": percent(c.share),
                        "score": num(c.score_total),
                        "rank": c.score_rank or "—",
                    }
                    for c in chosen
                ],
            }
        )
    return awards


def _next_leaders(bloc_year: BlocYear) -> tuple[str, str]:
    """Next year's head and deputy: its memberships, else the elections."""
    following = BlocYear.objects.filter(
        bloc=bloc_year.bloc, year=bloc_year.year + 1
    ).first()
    head = deputy = None
    if following is not None:
        head, deputy = _leaders(following)
    names = {"head": head.name if head else "", "deputy": deputy.name if deputy else ""}
    for kind in ("head", "deputy"):
        if names[kind]:
            continue
        for r in _rounds(bloc_year, [kind]):
            elected = [c.board.name for c in r.candidates.all() if c.elected]
            if elected:
                names[kind] = elected[0]
    return names["head"], names["deputy"]


def _header(kind: str, bloc_year: BlocYear, day: dt.date | None = None) -> dict:
    bloc = bloc_year.bloc
    head, deputy = _leaders(bloc_year)
    host = bloc_year.host
    place = _province(bloc_year.conference_place) or (
        _province(host.province) if host else ""
    )
    if not place and head is not None:
        place = _province(head.province)
    day = day or bloc_year.conference_date or timezone.localdate()
    unit, head_title, abbreviation = _unit(bloc)
    ministry = ministry_on(bloc=bloc, day=day)
    return {
        "kind": kind,
        "year": str(bloc_year.year),  # a label: never "2.023"
        "parent_body": ministry.name.upper(),
        "issuer": bloc.name.upper(),
        "bloc_name": bloc.name,
        "number": doc_number(kind, bloc),
        "place_date": date_line(place, day),
        "day": day,
        "unit": unit,
        "unit_title": unit.capitalize(),
        "head_title": head_title,
        "deputy_title": head_title.replace("trưởng", "phó"),
        "signer_role": f"TM. {unit.upper()} THI ĐUA",
        "signer_title": head_title.upper(),
        "signer_name": head.name if head else "",
        "head": head.name if head else "",
        "deputy": deputy.name if deputy else "",
        "ministry": ministry.name,
        "abbreviation": abbreviation,
    }


# The documents ---------------------------------------------------------------------


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


def build_summary(bloc_year: BlocYear) -> dict:
    ctx = _header("summary", bloc_year)
    members = _members(bloc_year)
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
    approved = bloc_year.submissions.filter(status=Submission.Status.APPROVED).count()
    scores = Score.objects.filter(bloc_year=bloc_year).select_related("board")
    next_head, next_deputy = _next_leaders(bloc_year)
    return ctx | {
        "title": f"Tổng kết công tác thi đua năm {bloc_year.year}",
        "members": [{"n": n, "name": b.name} for n, b in enumerate(members, 1)],
        "members_count": len(members),
        "conference_date": short_date(bloc_year.conference_date),
        "conference_place": bloc_year.conference_place,
        "host": bloc_year.host.name if bloc_year.host else "",
        "approved_only": approved_only,
        "approved_count": approved,
        "tables": tables,
        "bloc_totals": list(_totals(bloc_year, summed, approved_only).values()),
        "chart_title": tables[0]["name"] if tables else "",
        "chart_svg": bar_chart_svg(chart_rows) if chart_rows else "",
        "shortcomings": bloc_year.note.strip(),
        "scores": [
            {"rank": s.rank, "board": s.board.short_name, "total": num(s.total)}
            for s in scores.order_by("rank", "board__name")
        ],
        "awards": _awards(bloc_year),
        "next_year": str(bloc_year.year + 1),
        "next_head": next_head,
        "next_deputy": next_deputy,
    }


def _ballots(voting_round: VotingRound, members: int) -> dict:
    """Issued, returned, valid and invalid ballots of a closed round."""
    _votes, cast, valid = round_count(voting_round)
    if voting_round.on_paper:
        issued = voting_round.paper_issued or 0
        invalid = voting_round.paper_invalid or 0
    else:  # online: one ballot per member board, every cast ballot is valid
        issued, invalid = members, 0
    return {"issued": issued, "returned": cast, "valid": valid, "invalid": invalid}


def build_minutes(bloc_year: BlocYear) -> dict:
    ctx = _header("minutes", bloc_year)
    members = _members(bloc_year)
    rounds = []
    present = 0
    for n, voting_round in enumerate(_rounds(bloc_year), start=1):
        votes, cast, _valid = round_count(voting_round)
        present = max(present, voting_round.present or 0, cast)
        candidates = sorted(
            voting_round.candidates.all(),
            key=lambda c: (-votes.get(c.board_id, 0), c.board.name),
        )
        rounds.append(
            {
                "n": n,
                "title": voting_round.title,
                "kind": voting_round.kind,
                "on_paper": voting_round.on_paper,
                "quota": voting_round.quota,
                "ballots": _ballots(voting_round, len(members)),
                "candidates": [
                    {
                        "board": c.board.short_name,
                        "votes": num(votes.get(c.board_id, 0)),
                        "share": percent(c.share),
                        "elected": c.elected,
                    }
                    for c in candidates
                ],
                "chosen": [c.board.name for c in candidates if c.elected],
            }
        )
    next_head, next_deputy = _next_leaders(bloc_year)
    return ctx | {
        "title": (
            f"Bình xét thi đua năm {bloc_year.year} và bầu "
            f"{ctx['head_title']}, {ctx['deputy_title']} năm {bloc_year.year + 1}"
        ),
        "conference_date": short_date(bloc_year.conference_date),
        "conference_place": bloc_year.conference_place,
        "members_count": len(members),
        "present": present,
        "rounds": rounds,
        "awards": _awards(bloc_year),
        "next_year": str(bloc_year.year + 1),
        "next_head": next_head,
        "next_deputy": next_deputy,
    }


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


# Rendering -------------------------------------------------------------------------

DOCUMENTS: dict[str, tuple[str, Callable[[BlocYear], dict]]] = {
    "pledge": ("reports/pdf/pledge.html", build_pledge),
    "summary": ("reports/pdf/summary.html", build_summary),
    "minutes": ("reports/pdf/minutes.html", build_minutes),
    "nomination": ("reports/pdf/nomination.html", build_nomination),
}


def context(
    kind: str,
    bloc_year: BlocYear,
    *,
    draft: bool,
    publication=None,
    qr_svg: str = "",
    verify_url: str = "",
) -> dict:
    _template, build = DOCUMENTS[kind]
    with translation.override("vi"):
        ctx = build(bloc_year)
    ctx["draft"] = draft
    if publication is not None:
        ctx |= {
            "publication_code": publication.code,
            "publication_version": publication.version,
            "verify_url": verify_url,
            "qr_svg": qr_svg,
        }
    return ctx


def render(kind: str, bloc_year: BlocYear, *, draft: bool, publication=None, **extra):
    """The document as PDF bytes; ``extra`` takes ``qr_svg`` and ``verify_url``."""
    ctx = context(kind, bloc_year, draft=draft, publication=publication, **extra)
    with translation.override("vi"):
        return pdf.render_pdf(DOCUMENTS[kind][0], ctx)


def render_preview(kind: str, bloc_year: BlocYear) -> str:
    """The draft as HTML, for a quick look in the browser."""
    ctx = context(kind, bloc_year, draft=True)
    with translation.override("vi"):
        return pdf.render_html(DOCUMENTS[kind][0], ctx)
