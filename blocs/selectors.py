"""Scoped, optimised reads for the blocs pages."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.db.models import (
    CharField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from blocs.models import (
    AuditEvent,
    Bloc,
    BlocYear,
    Board,
    BoardName,
    BoardSuccession,
    Membership,
    Ministry,
    Official,
    User,
    year_end,
)
from blocs.permissions import (
    bloc_years_visible_to,
    blocs_visible_to,
    is_secretariat,
)


def names_covering_year(year_ref) -> Q:
    """Former names that a year's pages print: borne on the year's last day
    (``year_end``), with the year an expression (an ``OuterRef``), so that a
    list of many years names each board as in its own year in SQL."""
    return (Q(valid_from__isnull=True) | Q(valid_from__year__lte=year_ref)) & (
        Q(valid_until__year__gt=year_ref)
        | Q(valid_until__year=year_ref, valid_until__month=12, valid_until__day=31)
    )


def dated_board_field(field: str, *, board: str, year: str) -> Coalesce:
    """An expression: the ``field`` (``name`` or ``short_name``) the board at
    path ``board`` bore in the year at path ``year`` of the same row, for
    annotations (no query of its own)."""
    former = BoardName.objects.filter(
        names_covering_year(OuterRef(year)), board=OuterRef(board)
    ).order_by("-valid_until")
    return Coalesce(Subquery(former.values(field)[:1]), F(f"{board}__{field}"))


def year_end_sql(year_sql: str) -> str:
    """SQL of the last day of the year ``year_sql`` (an integer expression),
    the day whose names a year prints (``year_end``)."""
    if connection.vendor == "postgresql":
        return f"MAKE_DATE({year_sql}, 12, 31)"
    return f"(CAST({year_sql} AS TEXT) || '-12-31')"  # SQLite: dates as ISO text


def dated_board_sql(column: str, *, board_sql: str, year_sql: str) -> str:
    """SQL of the ``column`` of the former name (``BoardName``) the board
    ``board_sql`` bore at the end of the year ``year_sql``, NULL when it bore
    its current one then: ``board_name_on`` in SQL, for reads where the ORM's
    ``dated_board_field`` costs more to compile than the query to run. Only
    column names and SQL of our own are interpolated."""
    names = connection.ops.quote_name(BoardName._meta.db_table)
    end = year_end_sql(year_sql)
    return (
        f"(SELECT n.{column} FROM {names} n WHERE n.board_id = {board_sql}"  # noqa: S608
        f" AND n.valid_until >= {end} AND (n.valid_from IS NULL"
        f" OR n.valid_from <= {end}) ORDER BY n.valid_until DESC LIMIT 1)"
    )


def leader_names_sql(bloc_year_sql: str) -> dict[str, RawSQL]:
    """The short names of the head and the deputy as they were called that
    year, of the bloc-year whose id is the SQL ``bloc_year_sql`` (a column of
    the outer query), as annotations.

    Written in SQL: the same built with the ORM (a subquery per leader with a
    subquery for the dated name inside) took ten times longer to compile than
    to run, most of a cold overview. The dated name is the one
    ``board_name_on`` gives for the year's last day (``year_end``)."""
    quote = connection.ops.quote_name
    member = quote(Membership._meta.db_table)
    board = quote(Board._meta.db_table)
    dated = dated_board_sql("short_name", board_sql="m.board_id", year_sql="m.year")
    # Only table names (quoted, from the models) and SQL of our own are
    # interpolated.
    leader = (
        f"SELECT COALESCE({dated}, b.short_name)"  # noqa: S608
        f" FROM {member} m INNER JOIN {board} b ON b.id = m.board_id"
        f" WHERE m.bloc_year_id = {bloc_year_sql} AND m.role = %s"
        " ORDER BY m.id LIMIT 1"
    )
    text = CharField()
    return {
        "head_name": RawSQL(leader, [Membership.Role.HEAD.value], output_field=text),  # noqa: S611
        "deputy_name": RawSQL(  # noqa: S611
            leader, [Membership.Role.DEPUTY.value], output_field=text
        ),
    }


def leaders_sql(bloc_year_sql: str) -> dict[str, RawSQL]:
    """``leader_names_sql`` and the member count of the same bloc-year (in
    SQL too, for the same reason)."""
    member = connection.ops.quote_name(Membership._meta.db_table)
    count = f"SELECT COUNT(*) FROM {member} c WHERE c.bloc_year_id = {bloc_year_sql}"  # noqa: S608
    return {
        "member_count": RawSQL(count, [], output_field=IntegerField()),  # noqa: S611
        **leader_names_sql(bloc_year_sql),
    }


def bloc_years_with_leaders(qs: QuerySet[BlocYear]) -> QuerySet[BlocYear]:
    """Annotate member count, and the short names of the head and the deputy
    as they were called that year (``leaders_sql``), without a query per row."""
    year = connection.ops.quote_name(BlocYear._meta.db_table)
    return qs.annotate(**leaders_sql(f"{year}.id"))


def memberships_list_for_board(*, user: User) -> QuerySet[Membership]:
    """A board officer's years: which bloc, which role, which stage, who led
    (the page shows no member count, so none is counted)."""
    return (
        Membership.objects.filter(board=user.board_id)
        .select_related("bloc_year__bloc")
        .annotate(
            **leader_names_sql(
                f"{connection.ops.quote_name(Membership._meta.db_table)}.bloc_year_id"
            )
        )
        .order_by("-year")
    )


def blocs_list_for_overview(*, user: User) -> QuerySet[Bloc]:
    """Every bloc the user may read, each with its years and their leaders."""
    years = bloc_years_with_leaders(bloc_years_visible_to(user)).order_by("-year")
    return (
        blocs_visible_to(user)
        .select_related("ministry", "merged_into")
        .prefetch_related(Prefetch("years", queryset=years, to_attr="year_list"))
        .order_by("name")
    )


def ministry_on(*, bloc: Bloc, day: dt.date) -> Ministry:
    """The ministry a bloc reported to on ``day``: its current one, or the
    predecessor whose term ended the day before its successor's began
    (Planning and Investment until 28/02/2025, then Finance)."""
    ministry = bloc.ministry
    while ministry.valid_from > day:
        predecessor = Ministry.objects.filter(
            valid_until=ministry.valid_from - dt.timedelta(days=1)
        ).first()
        if predecessor is None:
            break
        ministry = predecessor
    return ministry


def officials_on(*, day: dt.date) -> QuerySet[Official]:
    """Everyone in office on ``day``."""
    return Official.objects.filter(valid_from__lte=day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


def board_heads_on(*, board_ids, day: dt.date) -> dict[int, Official]:
    """The head (Trưởng ban) of each board on ``day``, by board id, in one
    query; a board whose head is not recorded is absent."""
    heads: dict[int, Official] = {}
    rows = officials_on(day=day).filter(
        board_id__in=list(board_ids), position=Official.Position.HEAD
    )
    for official in rows.order_by("board_id", "-valid_from", "pk"):
        heads.setdefault(official.board_id, official)
    return heads


# Boards over time -------------------------------------------------------------


def past_names_of(*, board_ids: Iterable[int] | QuerySet) -> dict[int, list[BoardName]]:
    """Every former name of the boards, by board id, latest first (one query).
    ``board_ids`` may be a query of ids (``.values("board_id")``): for a few
    hundred boards a subquery costs less to build than a list of parameters."""
    names: dict[int, list[BoardName]] = {}
    if not isinstance(board_ids, QuerySet):
        board_ids = set(board_ids)
    rows = BoardName.objects.filter(board_id__in=board_ids).order_by(
        "board_id", "-valid_until"
    )
    for row in rows:
        names.setdefault(row.board_id, []).append(row)
    return names


def board_name_on(
    board_id: int, day: dt.date, past: dict[int, list[BoardName]]
) -> BoardName | None:
    """The former name the board bore on ``day`` (from ``past_names_of``),
    or None when it already bore its current one."""
    for row in past.get(board_id, ()):
        if row.valid_until >= day and (row.valid_from is None or row.valid_from <= day):
            return row
    return None


def boards_named_in_years(pairs: Iterable[tuple[Board, int]]) -> None:
    """Give each loaded board the name it bore in its year (one query for any
    number of boards and years): ``name``, ``short_name`` and ``province``
    become that year's, ``name_inferred`` says whether a source gives it. For pages,
    exports and documents of a year, which read and never save these
    instances; a rename dated after a year thus never reaches it."""
    pairs = [(board, year) for board, year in pairs if board is not None]
    past = past_names_of(board_ids=[board.pk for board, _year in pairs])
    for board, year in pairs:
        if not hasattr(board, "current_name"):
            board.current_name = board.name
            board.current_short_name = board.short_name
            board.current_name_inferred = board.name_inferred
            board.current_province = board.province
        row = board_name_on(board.pk, year_end(year), past) if past else None
        board.name = row.name if row else board.current_name
        board.short_name = row.short_name if row else board.current_short_name
        board.name_inferred = row.inferred if row else board.current_name_inferred
        board.province = row.province if row else board.current_province


def boards_named_in(boards: Iterable[Board], *, year: int) -> None:
    """``boards_named_in_years`` for boards all of one year."""
    boards_named_in_years((board, year) for board in boards)


def board_short_names_in_years(pairs: Iterable[tuple[int, int]]) -> dict:
    """{(board id, year): the board's short name that year} (two queries),
    for reads that fetched ids rather than boards."""
    pairs = set(pairs)
    ids = {board_id for board_id, _year in pairs}
    current = dict(Board.objects.filter(pk__in=ids).values_list("pk", "short_name"))
    past = past_names_of(board_ids=ids)
    names = {}
    for board_id, year in pairs:
        row = board_name_on(board_id, year_end(year), past)
        names[(board_id, year)] = row.short_name if row else current.get(board_id)
    return names


def board_lineage(*, board_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each board, itself and every board it took over, directly or
    through a chain of mergers and splits (one query: the table of
    successions is small, walked in memory)."""
    parents: dict[int, set[int]] = {}
    for predecessor, successor in BoardSuccession.objects.values_list(
        "predecessor_id", "successor_id"
    ):
        parents.setdefault(successor, set()).add(predecessor)
    lineage: dict[int, set[int]] = {}
    for board_id in board_ids:
        seen, todo = {board_id}, [board_id]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        lineage[board_id] = seen
    return lineage


WRITES_WINDOW = 1000


def writes_version_sql(
    *, audited: bool = True, routine: bool = True
) -> tuple[str, list]:
    """A SQL expression (and its parameters) whose text changes on every
    committed write a page may show: the latest admin log entry (edits through
    the admin) and, when ``audited``, the latest audit event (every service
    records one in its transaction) with how many of the latest
    ``WRITES_WINDOW`` ids exist (an event committed after a later-numbered one
    does not raise the largest id, but does change that count). Added to a
    query a page runs anyway, it costs no query of its own; a page cached
    under it is never served after such a write. Writes that bypass both (a
    shell script, raw SQL) must clear the cache. Without ``routine``, the
    events of a report's routine writes (``hooks.ROUTINE_ACTIONS``) do not
    count: for a page that shows none of a report's rows. Those are read
    through their partial index (``blocs_audit_not_routine``), whose
    condition the SQL repeats word for word so that SQLite uses it too."""
    quote = connection.ops.quote_name
    log, log_pk = quote(LogEntry._meta.db_table), quote(LogEntry._meta.pk.column)
    # Only table and column names (quoted, from the models) are interpolated.
    sql = f"CAST(COALESCE((SELECT MAX({log_pk}) FROM {log}), 0) AS TEXT)"  # noqa: S608
    if not audited:
        return sql, []
    audit, pk = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
    where = "" if routine else f" WHERE NOT {quote('routine')}"
    also = "" if routine else f" AND NOT {quote('routine')}"
    latest = f"(SELECT MAX({pk}) FROM {audit}{where})"  # noqa: S608
    window = f"(SELECT COUNT(*) FROM {audit} WHERE {pk} > COALESCE({latest}, 0) - %s"  # noqa: S608
    sql += (
        f" || '.' || CAST(COALESCE({latest}, 0) AS TEXT)"
        f" || '.' || CAST({window}{also}) AS TEXT)"
    )
    return sql, [WRITES_WINDOW]


def cockpit_years_for(user: User) -> list[BlocYear]:
    """The years whose cockpit a secretariat lands on: its bloc's, newest
    first (one query)."""
    if not is_secretariat(user):
        return []
    return list(
        bloc_years_visible_to(user).select_related("bloc").order_by("-year")[:5]
    )
