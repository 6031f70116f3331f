"""Reads shared by the documents: members, leaders, indicators, values,
totals, closed rounds and awards, and the header every document starts with."""

import datetime as dt
import unicodedata

from django.db.models import Q
from django.utils import translation

from blocs.awards import AWARD_CODES, award, award_name
from blocs.models import BlocYear, Board, Membership
from blocs.selectors import boards_named_in, ministry_on
from blocs.templatetags.vn import num
from pledges.models import Indicator, Submission, Value
from pledges.selectors import bloc_totals
from reports.documents.formatting import (
    _province,
    _unit,
    date_line,
    doc_number,
    percent,
)
from reports.models import DocumentNumber, LegalBasis, YearSections
from scoring.models import VotingRound

# The indicators the tables show when the year plans them (A4 has room for
# a few); otherwise the first five planned ones.
MAIN_CODES = ["new-projects", "new-capital-usd", "export", "budget"]
FALLBACK_COUNT = 5

AWARD_KINDS = list(AWARD_CODES)


def _leaders(bloc_year: BlocYear) -> tuple[Board | None, Board | None]:
    roles = {
        m.role: m.board
        for m in bloc_year.memberships.exclude(role=Membership.Role.MEMBER)
        .select_related("board")
        .order_by("role")
    }
    boards_named_in(roles.values(), year=bloc_year.year)
    return roles.get(Membership.Role.HEAD), roles.get(Membership.Role.DEPUTY)


def vn_key(text: str) -> str:
    """Sort key in Vietnamese order, roughly: marks ignored, Đ after D."""
    text = text.lower().replace("đ", "d{")  # "{" sorts after "z"
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _members(bloc_year: BlocYear) -> list[Board]:
    boards = [m.board for m in bloc_year.memberships.select_related("board")]
    boards_named_in(boards, year=bloc_year.year)  # the year's names, not today's
    return sorted(boards, key=lambda b: (vn_key(b.province), vn_key(b.name)))


def inferred_ids(bloc_year: BlocYear) -> set[int]:
    """Members no source names (completed from the region's provinces)."""
    return set(
        bloc_year.memberships.filter(confirmed=False).values_list("board_id", flat=True)
    )


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
            "unusual": row.unusual,
        }
        for row in bloc_totals(bloc_year, approved_only=approved_only)
        if row.indicator.pk in wanted
    }


def _rounds(bloc_year: BlocYear, kinds=None) -> list[VotingRound]:
    rounds = bloc_year.voting_rounds.filter(status=VotingRound.Status.CLOSED)
    if kinds is not None:
        rounds = rounds.filter(kind__in=kinds)
    rounds = list(rounds.prefetch_related("candidates__board").order_by("pk"))
    boards_named_in(
        (c.board for r in rounds for c in r.candidates.all()), year=bloc_year.year
    )
    return rounds


def _awards(bloc_year: BlocYear, ministry: str) -> list[dict]:
    """Per award of the registry: the chosen boards with votes, share, score;
    only the awards a closed round decided (a year without rounds, as seed
    000's acclamation, states no award)."""
    awards = []
    rounds = _rounds(bloc_year, AWARD_KINDS)  # one query and its prefetch
    for kind in AWARD_KINDS:
        of_kind = [r for r in rounds if r.kind == kind]
        if not of_kind:
            continue
        chosen = [c for r in of_kind for c in r.candidates.all() if c.elected]
        chosen.sort(key=lambda c: (c.score_rank or 999, c.board.name))
        awards.append(
            {
                "kind": kind,
                "name": award_name(kind, ministry),
                "short_name": award(kind).short_wording,
                "rows": [
                    {
                        "board": c.board.name,
                        "board_id": c.board_id,
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
        # Printed in this year's documents: this year's names, so that a
        # rename in the next year leaves a closed year's documents alone.
        boards_named_in([head, deputy], year=bloc_year.year)
    names = {"head": head.name if head else "", "deputy": deputy.name if deputy else ""}
    for kind in ("head", "deputy"):
        if names[kind]:
            continue
        for r in _rounds(bloc_year, [kind]):
            elected = [c.board.name for c in r.candidates.all() if c.elected]
            if elected:
                names[kind] = elected[0]
    return names["head"], names["deputy"]


def sections_of(bloc_year: BlocYear) -> YearSections:
    """The year's authored sections, or empty ones (never saved here)."""
    try:
        return bloc_year.sections
    except YearSections.DoesNotExist:
        return YearSections(bloc_year=bloc_year)


def number_of(kind: str, bloc_year: BlocYear) -> DocumentNumber | None:
    return DocumentNumber.objects.filter(bloc_year=bloc_year, kind=kind).first()


def _place(bloc_year: BlocYear, head: Board | None) -> str:
    """The conference's province, else the host's or the head's; a year not
    yet led (an open year) takes the last head's province."""
    host = bloc_year.host
    boards_named_in([host], year=bloc_year.year)  # its province that year
    place = _province(bloc_year.conference_place) or (
        _province(host.province) if host else ""
    )
    if not place and head is not None:
        place = _province(head.province)
    if not place:
        last = (
            Membership.objects.filter(
                bloc_year__bloc=bloc_year.bloc,
                bloc_year__year__lt=bloc_year.year,
                role=Membership.Role.HEAD,
            )
            .select_related("board")
            .order_by("-bloc_year__year")
            .first()
        )
        if last is not None:
            boards_named_in([last.board], year=last.year)
        place = _province(last.board.province) if last else ""
    return place


def _header(
    kind: str,
    bloc_year: BlocYear,
    day: dt.date | None = None,
    *,
    issue_day: dt.date | None = None,
    at_conference: bool = True,
) -> dict:
    """What every document starts with. ``day`` is the document's own date
    (the conference, the signing); without one, a draft leaves the date to be
    written and a publication is dated ``issue_day``. A document not issued at
    the year's conference (the pledge) takes neither its date nor its place."""
    bloc = bloc_year.bloc
    head, deputy = _leaders(bloc_year)
    if at_conference:
        place = _place(bloc_year, head)
        own_day = day or bloc_year.conference_date
    else:
        place = _province(head.province) if head is not None else ""
        own_day = day
    day = own_day or issue_day
    # The ministry and the laws of the year's end when no date is set yet.
    reference = day or dt.date(bloc_year.year, 12, 31)
    unit, head_title, abbreviation = _unit(bloc)
    ministry = ministry_on(bloc=bloc, day=reference)
    register = number_of(kind, bloc_year)
    sections = sections_of(bloc_year)
    return {
        "kind": kind,
        "year": str(bloc_year.year),  # a label: never "2.023"
        "parent_body": ministry.name.upper(),
        "issuer": bloc.name.upper(),
        "bloc_name": bloc.name,
        "number": doc_number(kind, bloc, register.number if register else None),
        "place_date": date_line(place, day) if day else undated_line(place),
        "place": place,
        "day": day,
        "reference_day": reference,
        "unit": unit,
        "unit_title": unit.capitalize(),
        "head_title": head_title,
        "deputy_title": head_title.replace("trưởng", "phó"),
        "head_board": head,
        "deputy_board": deputy,
        "head": head.name if head else "",
        "deputy": deputy.name if deputy else "",
        "ministry": ministry.name,
        "emulation_department": ministry.emulation_department,
        "abbreviation": abbreviation,
        "sections": sections,
        "illustrative": sections.illustrative,
        # A year entered from paper: its documents say so, and keep the
        # dates the paper bore (own_day), never the day of entry.
        "recorded_after_fact": bloc_year.recorded_after_fact,
        "own_day": own_day,
        "missing": [],
    }


def undated_line(place: str) -> str:
    """A draft not yet dated: the date is left for the signer to write."""
    text = "ngày      tháng      năm"
    return f"{place}, {text}" if place else text.capitalize()
