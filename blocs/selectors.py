"""Scoped, optimised reads for the blocs pages."""

import datetime as dt

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from blocs.models import (
    AuditEvent,
    Bloc,
    BlocYear,
    Membership,
    Ministry,
    Official,
    User,
)
from blocs.permissions import (
    bloc_years_visible_to,
    blocs_visible_to,
    is_secretariat,
)


def _leader(role: str, bloc_year_ref: str = "pk") -> Subquery:
    """The short name of the board holding ``role`` in the outer row's year."""
    return Subquery(
        Membership.objects.filter(bloc_year=OuterRef(bloc_year_ref), role=role).values(
            "board__short_name"
        )[:1]
    )


def bloc_years_with_leaders(qs: QuerySet[BlocYear]) -> QuerySet[BlocYear]:
    """Annotate head, deputy and member count without a query per row."""
    return qs.annotate(
        member_count=Count("memberships", distinct=True),
        head_name=_leader(Membership.Role.HEAD),
        deputy_name=_leader(Membership.Role.DEPUTY),
    )


def memberships_list_for_board(*, user: User) -> QuerySet[Membership]:
    """A board officer's years: which bloc, which role, which stage."""
    return (
        Membership.objects.filter(board=user.board_id)
        .select_related("bloc_year__bloc")
        .annotate(
            head_name=_leader(Membership.Role.HEAD, "bloc_year"),
            deputy_name=_leader(Membership.Role.DEPUTY, "bloc_year"),
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


WRITES_WINDOW = 1000


def writes_version_sql(*, audited: bool = True) -> tuple[str, list]:
    """A SQL expression (and its parameters) whose text changes on every
    committed write a page may show: the latest admin log entry (edits through
    the admin) and, when ``audited``, the latest audit event (every service
    records one in its transaction) with how many of the latest
    ``WRITES_WINDOW`` ids exist (an event committed after a later-numbered one
    does not raise the largest id, but does change that count). Added to a
    query a page runs anyway, it costs no query of its own; a page cached
    under it is never served after such a write. Writes that bypass both (a
    shell script, raw SQL) must clear the cache."""
    quote = connection.ops.quote_name
    log, log_pk = quote(LogEntry._meta.db_table), quote(LogEntry._meta.pk.column)
    # Only table and column names (quoted, from the models) are interpolated.
    sql = f"CAST(COALESCE((SELECT MAX({log_pk}) FROM {log}), 0) AS TEXT)"  # noqa: S608
    if not audited:
        return sql, []
    audit, pk = quote(AuditEvent._meta.db_table), quote(AuditEvent._meta.pk.column)
    sql += (
        f" || '.' || CAST(COALESCE((SELECT MAX({pk}) FROM {audit}), 0) AS TEXT)"  # noqa: S608
        f" || '.' || CAST((SELECT COUNT(*) FROM {audit} WHERE {pk} >"
        f" (SELECT COALESCE(MAX({pk}), 0) FROM {audit}) - %s) AS TEXT)"
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
