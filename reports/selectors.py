"""Scoped reads of the reports app: links for the board page, and the
ministry's overview and comparison, each in a fixed number of queries."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.models import Bloc, BlocYear, Board, User
from blocs.permissions import (
    bloc_years_visible_to,
    blocs_visible_to,
    boards_visible_to,
)
from blocs.selectors import (
    bloc_years_with_leaders,
    board_lineage,
    dated_board_field,
)
from pledges import calc
from pledges.models import Indicator, Submission, Value
from pledges.selectors import column_converters
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


VALUE_PLACES = Decimal(1).scaleb(-Value._meta.get_field("actual").decimal_places)

# The ministry's pages ---------------------------------------------------------------


@dataclass
class OverviewDocument:
    pk: int
    url: str
    label: str
    version: str


@dataclass
class OverviewYear:
    """One bloc-year row of the overview: leaders annotated, its latest
    published version of each document, and what the page prints of them
    worked out once (links, labels), not per row in the template."""

    bloc_year: BlocYear
    documents: list[Publication]
    url: str = ""
    status_label: str = ""
    links: list[OverviewDocument] = field(default_factory=list)


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
    statuses = {value: str(label) for value, label in BlocYear.Status.choices}
    kinds = {value: str(label) for value, label in Publication.Kind.choices}
    year_url = _url_maker("reports:year_documents")
    download_url = _url_maker("reports:download")
    grouped: dict[int, OverviewBloc] = {}
    for row in rows:
        entry = grouped.setdefault(row.bloc_id, OverviewBloc(row.bloc, []))
        published = documents.get(row.pk, [])
        entry.years.append(
            OverviewYear(
                row,
                published,
                url=year_url(row.pk),
                status_label=statuses.get(row.status, row.status),
                links=[
                    OverviewDocument(
                        pk=p.pk,
                        url=download_url(p.pk),
                        label=kinds.get(p.kind, p.kind),
                        version=_("version %(version)s") % {"version": p.version},
                    )
                    for p in published
                ],
            )
        )
    return list(grouped.values())


def _url_maker(name: str):
    """``pk -> reverse(name, args=[pk])`` with one ``reverse`` per page: the
    path is built around a marker id once, then filled in per row."""
    marker = 987654321
    head, _sep, tail = reverse(name, args=[marker]).partition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _counted_values(bloc_year_ids, codes: list[str]) -> QuerySet[Value]:
    """The summed indicators' values that count: a year with an approved
    report counts approved figures only (as its documents do); the others
    count every figure entered so far."""
    approved = Submission.objects.filter(
        bloc_year=OuterRef("submission__bloc_year"),
        status=Submission.Status.APPROVED,
    )
    return Value.objects.filter(
        Q(submission__status=Submission.Status.APPROVED) | ~Exists(approved),
        submission__bloc_year__in=bloc_year_ids,
        indicator__code__in=codes,
        indicator__aggregation=Indicator.Aggregation.SUM,
    )


def _exact(value: Decimal | None) -> Decimal | None:
    """A sum as the column's decimal: SQLite adds decimals as floats (15
    significant digits), PostgreSQL exactly; both then read alike."""
    return None if value is None else value.quantize(VALUE_PLACES)


@functools.cache
def _totals_sql(vendor: str) -> tuple[str, str]:
    """``totals_over_years``'s query before and after the visible years'
    subquery: made of the models and the database's quoting alone, so built
    once per database kind. The same rows as ``_counted_values`` summed per
    bloc and year (tests/reports/test_ministry.py compares both)."""
    quote = connection.ops.quote_name
    value, sub, year, ind, bloc = (
        quote(model._meta.db_table)
        for model in (Value, Submission, BlocYear, Indicator, Bloc)
    )
    # Only table names (quoted, from the models) are interpolated; every
    # value is a parameter.
    return (
        f"SELECT {year}.bloc_id, {bloc}.short_name, {year}.year,"  # noqa: S608
        f" SUM({value}.actual) FROM {value}"
        f" INNER JOIN {sub} ON {sub}.id = {value}.submission_id"
        f" INNER JOIN {year} ON {year}.id = {sub}.bloc_year_id"
        f" INNER JOIN {ind} ON {ind}.id = {value}.indicator_id"
        f" INNER JOIN {bloc} ON {bloc}.id = {year}.bloc_id"
        f" WHERE ({sub}.status = %s OR NOT EXISTS (SELECT 1 FROM {sub} approved"
        f" WHERE approved.bloc_year_id = {sub}.bloc_year_id"
        f" AND approved.status = %s))"
        f" AND {ind}.aggregation = %s AND {ind}.code = %s"
        f" AND {sub}.bloc_year_id IN (",
        f") GROUP BY {year}.bloc_id, {bloc}.short_name, {year}.year",
    )


def totals_over_years(
    *, user: User, code: str, region: str = ""
) -> tuple[list[int], list[tuple[str, dict[int, Decimal | None]]]]:
    """The bloc total of one indicator per bloc and year, for the chart:
    (years, [(bloc short name, {year: total})]). One query, summed in the
    database, written by hand around the visible years' subquery (the ORM
    took ten times longer to build and compile it than the database took
    to run it, on every reader's overview after a board's save)."""
    years_qs = _filtered(
        bloc_years_visible_to(user), year=None, region=region, status=""
    )
    scope_sql, scope_params = years_qs.order_by().values("pk").query.sql_with_params()
    approved = Submission.Status.APPROVED.value
    head, tail = _totals_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(
            head + scope_sql + tail,
            [approved, approved, Indicator.Aggregation.SUM.value, code, *scope_params],
        )
        rows = cursor.fetchall()
    # The sums as the column's decimals, as the ORM converts them.
    col = Value._meta.get_field("actual").get_col(Value._meta.db_table)
    converters = column_converters(col)
    series: dict[int, tuple[str, dict[int, Decimal | None]]] = {}
    years: set[int] = set()
    for bloc_id, short, year, total in rows:
        for convert in converters:
            total = convert(total, col, connection)
        if total is None:
            continue
        series.setdefault(bloc_id, (short, {}))[1][year] = _exact(total)
        years.add(year)
    return sorted(years), sorted(series.values(), key=lambda s: s[0])


def board_choices(*, user: User) -> list[tuple[int, str]]:
    """The boards the overview's chart can follow (one query)."""
    return list(
        boards_visible_to(user)
        .order_by("province", "short_name", "pk")
        .values_list("pk", "short_name")
    )


def board_totals_over_years(
    *, user: User, code: str, board_id: int
) -> tuple[list[int], list[tuple[str, dict[int, Decimal | None]]]]:
    """One board's figures of one indicator per year, with those of every
    board it took over (mergers, splits: ``BoardSuccession``) added in, so a
    successor's history goes back through its predecessors: (years, [(label,
    {year: total})]). Three queries, summed in the database."""
    lineage = board_lineage(board_ids=[board_id])[board_id]
    names = dict(Board.objects.filter(pk__in=lineage).values_list("pk", "short_name"))
    if board_id not in names:
        return [], []
    rows = (
        _counted_values(bloc_years_visible_to(user).values("pk"), [code])
        .filter(submission__board__in=lineage)
        .values("submission__bloc_year__year")
        .annotate(total=Sum("actual"))
        .order_by()
        .values_list("submission__bloc_year__year", "total")
    )
    totals: dict[int, Decimal | None] = {}
    for year, total in rows:
        if total is not None:
            totals[year] = _exact(totals.get(year, Decimal(0)) + total)
    label = names[board_id]
    others = sorted(name for pk, name in names.items() if pk != board_id)
    if others:
        label = _("%(board)s with %(predecessors)s") % {
            "board": label,
            "predecessors": ", ".join(others),
        }
    return sorted(totals), [(label, totals)]


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
    url: str = ""
    status_label: str = ""


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
    award rounds. Four queries whatever the number of blocs, totals summed
    in the database."""
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
    totals: dict[tuple[int, str], calc.Total] = {
        (bloc_year_id, code): calc.Total(
            code=code, actual=_exact(actual), plan=_exact(plan), reported=reported
        )
        for bloc_year_id, code, actual, plan, reported in (
            _counted_values(ids, codes)
            .values("submission__bloc_year_id", "indicator__code")
            .annotate(
                sum_actual=Sum("actual"), sum_plan=Sum("plan"), reported=Count("actual")
            )
            .order_by()
            .values_list(
                "submission__bloc_year_id",
                "indicator__code",
                "sum_actual",
                "sum_plan",
                "reported",
            )
        )
    }
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
        .annotate(
            dated=dated_board_field(
                "short_name", board="board", year="round__bloc_year__year"
            )
        )
        .order_by("round__bloc_year_id", "score_rank", "dated")
        .values_list("round__bloc_year_id", "round__kind", "dated")
    ):
        if short not in nominations[bloc_year_id][kind]:
            nominations[bloc_year_id][kind].append(short)
    statuses = {value: str(label) for value, label in BlocYear.Status.choices}
    year_url = _url_maker("reports:year_documents")
    return columns, [
        ComparisonRow(
            bloc_year=r,
            totals=[totals.get((r.pk, c)) or calc.bloc_total(c, []) for c in codes],
            nominations=nominations[r.pk],
            url=year_url(r.pk),
            status_label=statuses.get(r.status, r.status),
        )
        for r in rows
    ]
