"""Scoped, optimised reads for the reporting pages and the admin."""

import functools
import weakref
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, connections
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.models import Bloc, BlocYear, Board, Membership, User
from blocs.permissions import is_board_officer
from blocs.selectors import writes_version_sql
from pledges import calc
from pledges.models import Indicator, Pledge, Signature, Submission, Value
from pledges.permissions import (
    can_view_submission,
    pledges_visible_to,
    submissions_visible_to,
)


def submission_get_for_user(*, user: User, pk: int) -> Submission:
    """A submission the user may see, or 404, with what its page shows: the
    bloc and board names, and the reviewer named in the approval notice."""
    qs = submissions_visible_to(user).select_related(
        "bloc_year__bloc", "board", "reviewed_by"
    )
    return get_object_or_404(qs, pk=pk)


def _table_version() -> RawSQL:
    """What the report table is made of besides the submission's own row, as
    one text: the year's indicators (count, largest id), the board's approved
    reports of the year before (ids and versions summed) and the latest admin
    edit (``writes_version_sql``: indicators, figures or files changed in the
    admin). Audited writes need not enter: those the table shows (figures,
    flags, files, status) bump the submission's version, the year's set-up
    changes the count of its indicators, and locks and roles are read anew on
    every request. Written in SQL: the same built with the ORM took longer to
    compile than the rest of a cached page, and every table a request reads
    costs a new connection's catalogue lookups."""
    quote = connection.ops.quote_name
    sub = quote(Submission._meta.db_table)
    ind = quote(Indicator._meta.db_table)
    year = quote(BlocYear._meta.db_table)
    writes, params = writes_version_sql(audited=False)
    # Only table names (quoted, from the models) and the SQL of
    # writes_version_sql are interpolated; the outer row is ``sub``, joined
    # to its year ``year`` (``select_related`` joins it under its table's
    # name). One subquery per table read: each costs the planner as much as
    # running it.
    sql = (
        f"(SELECT CAST(COUNT(*) AS TEXT) || '.' || CAST(COALESCE(MAX(i.id), 0)"  # noqa: S608
        f" AS TEXT) FROM {ind} i WHERE i.bloc_year_id = {sub}.bloc_year_id)"
        f" || ':' || COALESCE((SELECT CAST(SUM(p.id) AS TEXT) || '.'"
        f" || CAST(SUM(p.version) AS TEXT) FROM {sub} p INNER JOIN {year} py"
        f" ON py.id = p.bloc_year_id WHERE p.board_id = {sub}.board_id"
        f" AND p.status = %s AND py.year = {year}.year - 1), '-')"
        f" || ':' || {writes}"
    )
    return RawSQL(sql, [Submission.Status.APPROVED.value, *params])  # noqa: S611


# What the report page reads of the submission and its relations (the page,
# the locks, the cache key, the table when it is built, the permission check),
# by model, as attribute names. Another field read on that page would cost a
# query of its own, which the page's query-count tests catch.
_FORM_COLUMNS = {
    Submission: (
        "id",
        "bloc_year_id",
        "board_id",
        "reviewed_by_id",
        "award_target",
        "status",
        "registered_at",
        "submitted_at",
        "reviewed_at",
        "return_reason",
        "reopened_until",
        "version",
        "updated_at",
    ),
    BlocYear: (
        "id",
        "bloc_id",
        "year",
        "status",
        "registration_deadline",
        "reporting_deadline",
    ),
    Bloc: ("id", "name"),
    # The page shows the name the board bore that year (``boards_named_in``);
    # the current one enters the page's cache key.
    Board: ("id", "name", "short_name", "province", "name_inferred"),
    # The reviewer named in the approval notice.
    User: ("id", "username", "first_name", "last_name"),
}
# The same in each model's field order, which ``Model.from_db`` expects.
FORM_COLUMNS = {
    model: tuple(f.attname for f in model._meta.concrete_fields if f.attname in names)
    for model, names in _FORM_COLUMNS.items()
}


def _cols(columns: dict) -> dict:
    """Each model's named columns as the ORM's expressions, which name their
    converters."""
    return {
        model: [
            model._meta.get_field(name).get_col(model._meta.db_table) for name in names
        ]
        for model, names in columns.items()
    }


def _select_list(columns: dict) -> str:
    """The columns as a select list, each ``"table"."column"``, quoted for
    the connection's database."""
    quote = connection.ops.quote_name
    return ", ".join(
        f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"
        for model, names in columns.items()
        for name in names
    )


_FORM_COLS = _cols(FORM_COLUMNS)


def _form_sql() -> str:
    """The report page's query: the submission by id, joined to its year, the
    year's bloc, its board and its reviewer, with ``table_version`` last.
    Tables keep their own names (``_table_version`` refers to them)."""
    quote = connection.ops.quote_name
    sub, year, bloc, board, user = (
        quote(model._meta.db_table) for model in FORM_COLUMNS
    )
    columns = _select_list(FORM_COLUMNS)
    # Only table and column names (quoted, from the models) are interpolated.
    return (
        f"SELECT {columns}, %s FROM {sub}"  # noqa: S608
        f" INNER JOIN {year} ON {year}.id = {sub}.bloc_year_id"
        f" INNER JOIN {bloc} ON {bloc}.id = {year}.bloc_id"
        f" INNER JOIN {board} ON {board}.id = {sub}.board_id"
        f" LEFT OUTER JOIN {user} ON {user}.id = {sub}.reviewed_by_id"
        f" WHERE {sub}.id = %%s"
    )


# Each connection's converters by column: bound to its operations, the same
# on every read.
_CONVERTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def column_converters(col) -> list:
    """What the ORM applies to a column's value as read, looked up once per
    connection and column."""
    wrapper = connections[connection.alias]
    by_column = _CONVERTERS.get(wrapper)
    if by_column is None:
        by_column = _CONVERTERS[wrapper] = {}
    found = by_column.get(col)
    if found is None:
        found = by_column[col] = connection.ops.get_db_converters(
            col
        ) + col.get_db_converters(connection)
    return found


def _from_row(model, row: list):
    """An instance of ``model`` from its ``FORM_COLUMNS`` at the head of
    ``row`` (taken off it), each value converted as the ORM converts it; its
    other fields are deferred, as ``only()`` leaves them."""
    names = FORM_COLUMNS[model]
    values = []
    for col in _FORM_COLS[model]:
        value = row.pop(0)
        for convert in column_converters(col):
            value = convert(value, col, connection)
        values.append(value)
    if values[0] is None:  # an outer join found no row
        return None
    return model.from_db(connection.alias, names, values)


@functools.cache
def _form_query(vendor: str) -> tuple[str, tuple]:
    """``_form_sql`` with the table version in it, and its parameters but
    the id: made of the models and the database's quoting alone, so built
    once per database kind, not on every GET."""
    version = _table_version()
    return _form_sql() % version.sql, tuple(version.params)


def submission_get_for_form(*, user: User, pk: int) -> Submission:
    """A submission the user may see, or 404, with its bloc-year, bloc, board
    and reviewer, and ``table_version``: the text that changes whenever the
    report table's data besides the submission's row does (see
    ``pledges.views``). One query written by hand: every GET of the report
    page runs it, and the ORM took longer to build and compile the same
    joins than the rest of a cached page took (a test compares it with the
    ORM's ``select_related`` read, field by field: test_form_read). Who may
    see it
    is ``can_view_submission``, the one-row form of
    ``submissions_visible_to``."""
    sql, params = _form_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk])
        found = cursor.fetchone()
    if found is None:
        raise Http404
    row = list(found)
    submission, year, bloc, board, reviewer = (
        _from_row(model, row) for model in FORM_COLUMNS
    )
    (submission.table_version,) = row
    year.bloc = bloc
    submission.bloc_year, submission.board = year, board
    submission.reviewed_by = reviewer
    if not can_view_submission(user, submission):
        raise Http404
    return submission


# Every column of a report's values and of their indicators, in each model's
# field order (``Model.from_db``), and as the ORM's expressions, which name
# their converters.
_VALUE_COLUMNS = {
    model: tuple(f.attname for f in model._meta.concrete_fields)
    for model in (Value, Indicator)
}
_VALUE_COLS = _cols(_VALUE_COLUMNS)


@functools.cache
def _values_query(vendor: str, tie: str) -> str:
    """A report's values joined to their indicators, in the report's order
    (the indicators' ``order``, then ``tie``): made of the models and the
    database's quoting alone, so built once per database kind."""
    quote = connection.ops.quote_name
    value, indicator = (quote(model._meta.db_table) for model in _VALUE_COLUMNS)
    columns = _select_list(_VALUE_COLUMNS)
    order = quote(Indicator._meta.get_field("order").column)
    tie = quote(Indicator._meta.get_field(tie).column)
    # Only table and column names (quoted, from the models) are interpolated.
    return (
        f"SELECT {columns} FROM {value}"  # noqa: S608
        f" INNER JOIN {indicator} ON {indicator}.id = {value}.indicator_id"
        f" WHERE {value}.submission_id = %s"
        f" ORDER BY {indicator}.{order}, {indicator}.{tie}"
    )


def values_of(submission: Submission, *, tie: str = "code") -> list[Value]:
    """The report's values with their indicators (every field of both), in
    the report's order: the indicators' order, then ``tie`` ("code" as the
    page lists them, "id" as the services have always walked them); each
    value's ``submission`` is ``submission``. What
    ``submission.values.select_related("indicator").order_by(...)`` gives, in
    one query written by hand: the report page reads them on every GET built,
    every save and every submission, twice for the last two, and the ORM spent
    longer building and iterating that query than the database spent on it
    (tests/pledges/test_form_read.py compares both, field by field)."""
    with connection.cursor() as cursor:
        cursor.execute(_values_query(connection.vendor, tie), [submission.pk])
        rows = cursor.fetchall()
    # Each column's converters (SQLite's decimals and booleans; none on
    # PostgreSQL), looked up once per connection, not once per row.
    convert = [
        (n, col, fns)
        for n, col in enumerate(_VALUE_COLS[Value] + _VALUE_COLS[Indicator])
        if (fns := column_converters(col))
    ]
    value_names, indicator_names = _VALUE_COLUMNS[Value], _VALUE_COLUMNS[Indicator]
    split = len(value_names)
    set_indicator = Value._meta.get_field("indicator").set_cached_value
    set_submission = Value._meta.get_field("submission").set_cached_value
    alias = connection.alias
    values = []
    for found in rows:
        row = list(found)
        for n, col, fns in convert:
            for fn in fns:
                row[n] = fn(row[n], col, connection)
        value = Value.from_db(alias, value_names, row[:split])
        set_indicator(value, Indicator.from_db(alias, indicator_names, row[split:]))
        set_submission(value, submission)
        values.append(value)
    return values


@dataclass
class ValueRow:
    value: Value
    last_year: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        return calc.percent_of_plan(self.value.actual, self.value.plan)


def board_year_links(
    user: User, bloc_year_ids: list[int]
) -> dict[int, list[tuple[str, str]]]:
    """Links a board officer gets per year on its board page (a blocs hook)."""
    links: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not is_board_officer(user):
        return links
    for pk, bloc_year_id in Pledge.objects.filter(
        bloc_year__in=bloc_year_ids
    ).values_list("pk", "bloc_year_id"):
        links[bloc_year_id].append((_("Pledge"), reverse("pledges:pledge", args=[pk])))
    for pk, bloc_year_id in Submission.objects.filter(
        bloc_year__in=bloc_year_ids, board=user.board_id
    ).values_list("pk", "bloc_year_id"):
        links[bloc_year_id].append(
            (_("Registration and report"), reverse("pledges:submission", args=[pk]))
        )
    return links


def pledge_get_for_user(*, user: User, pk: int) -> Pledge:
    qs = (
        pledges_visible_to(user)
        .select_related("bloc_year__bloc")
        .prefetch_related(
            "commitments",
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("board", "signed_by"),
            ),
        )
    )
    return get_object_or_404(qs, pk=pk)


@dataclass
class CompletenessRow:
    membership: Membership
    signature: Signature | None
    submission: Submission | None


def completeness_for_year(bloc_year: BlocYear) -> list[CompletenessRow]:
    """Per member board: signed, registered, submitted, approved, and when.
    Four queries whatever the number of boards."""
    members = list(
        bloc_year.memberships.select_related("board").order_by("board__province")
    )
    signatures = {
        s.board_id: s
        for s in Signature.objects.filter(pledge__bloc_year=bloc_year).select_related(
            "signed_by"
        )
    }
    submissions = {
        s.board_id: s
        for s in bloc_year.submissions.select_related(
            "registered_by", "submitted_by", "reviewed_by"
        )
    }
    return [
        CompletenessRow(m, signatures.get(m.board_id), submissions.get(m.board_id))
        for m in members
    ]


@dataclass
class TotalRow:
    indicator: Indicator
    total: calc.Total
    # How many of the summed figures the secretariat confirmed as unusual
    # (far from the board's history or the bloc's median) when approving.
    unusual: int = 0


def bloc_totals(bloc_year: BlocYear, *, approved_only: bool = False) -> list[TotalRow]:
    """Sum over boards of each summed indicator, and % of the summed plan."""
    indicators = list(
        bloc_year.indicators.filter(aggregation=Indicator.Aggregation.SUM).order_by(
            "order", "code"
        )
    )
    values = Value.objects.filter(submission__bloc_year=bloc_year)
    if approved_only:
        values = values.filter(submission__status=Submission.Status.APPROVED)
    pairs: dict[int, list] = defaultdict(list)
    unusual: dict[int, int] = defaultdict(int)
    for indicator_id, actual, plan, confirmed in values.values_list(
        "indicator_id", "actual", "plan", "outlier_confirmed"
    ):
        pairs[indicator_id].append((actual, plan))
        unusual[indicator_id] += bool(confirmed and actual is not None)
    return [
        TotalRow(i, calc.bloc_total(i.code, pairs[i.pk]), unusual[i.pk])
        for i in indicators
    ]


def submissions_for_review(*, user: User) -> QuerySet[Submission]:
    return submissions_visible_to(user).select_related(
        "bloc_year__bloc", "board", "submitted_by", "reviewed_by"
    )
