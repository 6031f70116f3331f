"""Scoped reads of the reports app: links for the board page, and the
ministry's overview and comparison, each in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.models import Bloc, BlocYear, User
from blocs.permissions import bloc_years_visible_to, blocs_visible_to
from blocs.selectors import bloc_years_with_leaders
from pledges import calc
from pledges.models import Indicator, Submission, Value
from reports.models import Publication
from reports.permissions import publications_visible_to
from scoring.models import Candidate, VotingRound


def board_year_links(
    user, bloc_year_ids: list[int]
) -> dict[int, list[tuple[str, str]]]:
    """A blocs hook: the year's documents page, for years with a publication."""
    years = set(
        Publication.objects.filter(bloc_year__in=bloc_year_ids).values_list(
            "bloc_year_id", flat=True
        )
    )
    return {
        y: [(_("Documents"), reverse("reports:year_documents", args=[y]))]
        for y in years
    }


# The ministry's pages ---------------------------------------------------------------


@dataclass
class OverviewYear:
    """One bloc-year row of the overview: leaders annotated, its latest
    published version of each document."""

    bloc_year: BlocYear
    documents: list[Publication]


@dataclass
class OverviewBloc:
    bloc: Bloc
    years: list[OverviewYear]


def _filtered(
    qs: QuerySet[BlocYear], *, year: int | None, region: str, status: str
) -> QuerySet[BlocYear]:
    if year:
        qs = qs.filter(year=year)
    if region:
        qs = qs.filter(bloc__region=region)
    if status:
        qs = qs.filter(status=status)
    return qs


def filter_choices(*, user: User) -> tuple[list[int], list[str]]:
    """The years and regions the user can filter by (two queries)."""
    years = sorted(
        set(bloc_years_visible_to(user).values_list("year", flat=True)), reverse=True
    )
    regions = sorted(
        set(
            blocs_visible_to(user)
            .filter(years__isnull=False)
            .values_list("region", flat=True)
        )
    )
    return years, regions


def latest_publications(*, user: User, bloc_year_ids: list[int]) -> dict[int, list]:
    """Per bloc-year, the latest published version of each kind the user may
    read, in the order of ``Publication.Kind`` (one query)."""
    order = {kind: n for n, kind in enumerate(Publication.Kind.values)}
    latest: dict[tuple[int, str], Publication] = {}
    for p in (
        publications_visible_to(user)
        .filter(bloc_year__in=bloc_year_ids)
        .only("pk", "bloc_year_id", "kind", "version", "code", "published_at")
        .order_by("bloc_year_id", "kind", "-version")
    ):
        latest.setdefault((p.bloc_year_id, p.kind), p)
    by_year: dict[int, list[Publication]] = defaultdict(list)
    for (bloc_year_id, _kind), p in sorted(
        latest.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))
    ):
        by_year[bloc_year_id].append(p)
    return by_year


def bloc_years_list_for_overview(
    *, user: User, year: int | None = None, region: str = "", status: str = ""
) -> list[OverviewBloc]:
    """Every bloc-year the user may read, grouped by bloc (name order, latest
    year first), with head, deputy, member count and published documents.
    Two queries whatever the number of blocs and years."""
    qs = bloc_years_with_leaders(
        _filtered(bloc_years_visible_to(user), year=year, region=region, status=status)
    ).select_related("bloc__ministry")
    rows = list(qs.order_by("bloc__name", "bloc_id", "-year"))
    documents = latest_publications(user=user, bloc_year_ids=[r.pk for r in rows])
    grouped: dict[int, OverviewBloc] = {}
    for row in rows:
        entry = grouped.setdefault(row.bloc_id, OverviewBloc(row.bloc, []))
        entry.years.append(OverviewYear(row, documents.get(row.pk, [])))
    return list(grouped.values())


def _approved_year_ids(bloc_year_ids) -> set[int]:
    """Years with an approved report count approved figures only (as their
    documents do); the others count every figure entered so far."""
    return set(
        Submission.objects.filter(
            bloc_year__in=bloc_year_ids, status=Submission.Status.APPROVED
        ).values_list("bloc_year_id", flat=True)
    )


def _value_rows(bloc_year_ids, codes: list[str]):
    """(bloc_year id, approved?, code, actual, plan) of the given indicators."""
    rows = Value.objects.filter(
        submission__bloc_year__in=bloc_year_ids,
        indicator__code__in=codes,
        indicator__aggregation=Indicator.Aggregation.SUM,
    ).values_list(
        "submission__bloc_year_id",
        "submission__status",
        "indicator__code",
        "actual",
        "plan",
    )
    approved_years = _approved_year_ids(bloc_year_ids)
    for bloc_year_id, sub_status, code, actual, plan in rows:
        if bloc_year_id in approved_years and sub_status != Submission.Status.APPROVED:
            continue
        yield bloc_year_id, code, actual, plan


def totals_over_years(
    *, user: User, code: str, region: str = ""
) -> tuple[list[int], list[tuple[str, dict[int, Decimal | None]]]]:
    """The bloc total of one indicator per bloc and year, for the chart:
    (years, [(bloc short name, {year: total})]). Three queries."""
    years_qs = _filtered(
        bloc_years_visible_to(user), year=None, region=region, status=""
    )
    meta = {
        pk: (bloc_id, short, year)
        for pk, bloc_id, short, year in years_qs.values_list(
            "pk", "bloc_id", "bloc__short_name", "year"
        )
    }
    pairs: dict[int, list] = defaultdict(list)
    for bloc_year_id, _code, actual, plan in _value_rows(list(meta), [code]):
        pairs[bloc_year_id].append((actual, plan))
    series: dict[int, tuple[str, dict[int, Decimal | None]]] = {}
    years: set[int] = set()
    for bloc_year_id, rows in pairs.items():
        total = calc.bloc_total(code, rows).actual
        if total is None:
            continue
        bloc_id, short, year = meta[bloc_year_id]
        series.setdefault(bloc_id, (short, {}))[1][year] = total
        years.add(year)
    return sorted(years), sorted(series.values(), key=lambda s: s[0])


@dataclass
class Column:
    code: str
    name: str
    unit: str


@dataclass
class ComparisonRow:
    bloc_year: BlocYear
    totals: list[calc.Total]
    nominations: dict[str, list[str]]


def default_comparison_year(*, user: User) -> int | None:
    """The latest year with a figure entered, else the latest year at all."""
    visible = bloc_years_visible_to(user)
    found = Value.objects.filter(
        submission__bloc_year__in=visible, actual__isnull=False
    ).aggregate(year=Max("submission__bloc_year__year"))["year"]
    return found or visible.aggregate(year=Max("year"))["year"]


def comparison_columns(bloc_year_ids, main_codes: list[str], fallback: int):
    """The main indicators that the years hold (one query): those of
    ``main_codes``, else the first ``fallback`` planned summed ones."""
    found: dict[str, Column] = {}
    for code, name, unit in (
        Indicator.objects.filter(
            bloc_year__in=bloc_year_ids,
            has_plan=True,
            aggregation=Indicator.Aggregation.SUM,
            kind__in=[Indicator.Kind.INTEGER, Indicator.Kind.DECIMAL],
        )
        .order_by("order", "code", "pk")
        .values_list("code", "name", "unit")
    ):
        found.setdefault(code, Column(code, name, Indicator.Unit(unit).label))
    main = [found[c] for c in main_codes if c in found]
    return main or list(found.values())[:fallback]


def bloc_comparison(
    *,
    user: User,
    year: int,
    region: str = "",
    main_codes: list[str],
    fallback: int,
    award_kinds: list[str],
) -> tuple[list[Column], list[ComparisonRow]]:
    """One row per bloc for ``year``: members, status, the bloc totals of the
    main indicators (plan, result, % of plan), the units chosen in closed
    award rounds. Five queries whatever the number of blocs."""
    rows = list(
        bloc_years_with_leaders(
            _filtered(bloc_years_visible_to(user), year=year, region=region, status="")
        )
        .select_related("bloc")
        .order_by("bloc__name", "bloc_id")
    )
    ids = [r.pk for r in rows]
    columns = comparison_columns(ids, main_codes, fallback)
    codes = [c.code for c in columns]
    pairs: dict[tuple[int, str], list] = defaultdict(list)
    for bloc_year_id, code, actual, plan in _value_rows(ids, codes):
        pairs[bloc_year_id, code].append((actual, plan))
    nominations: dict[int, dict[str, list[str]]] = defaultdict(
        lambda: {kind: [] for kind in award_kinds}
    )
    for bloc_year_id, kind, short in (
        Candidate.objects.filter(
            round__bloc_year__in=ids,
            round__status=VotingRound.Status.CLOSED,
            round__kind__in=award_kinds,
            elected=True,
        )
        .order_by("round__bloc_year_id", "score_rank", "board__short_name")
        .values_list("round__bloc_year_id", "round__kind", "board__short_name")
    ):
        if short not in nominations[bloc_year_id][kind]:
            nominations[bloc_year_id][kind].append(short)
    return columns, [
        ComparisonRow(
            bloc_year=r,
            totals=[calc.bloc_total(c, pairs[r.pk, c]) for c in codes],
            nominations=nominations[r.pk],
        )
        for r in rows
    ]
