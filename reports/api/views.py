"""Read-only endpoints. Every queryset starts from the same scoped
``*_visible_to`` function as the pages, so a token sees exactly what its
user's pages show and an object outside it answers 404. Each endpoint runs a
fixed number of queries whatever the amount of data (tests/reports/test_api.py)."""

from types import SimpleNamespace

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from blocs.models import BoardName, BoardSuccession, Membership, year_end
from blocs.permissions import (
    bloc_years_visible_to,
    blocs_visible_to,
    boards_visible_to,
)
from blocs.selectors import board_name_on, past_names_of
from pledges.models import Indicator, Submission
from pledges.selectors import bloc_totals
from reports import cache as page_cache
from reports.api import serializers as s
from reports.api.permissions import ReadOnlyAuthenticated, ReadOnlyPublic
from reports.api.renderers import TotalsCSVRenderer
from reports.models import Publication
from reports.permissions import publications_visible_to
from reports.services import publication_find
from scoring.models import Candidate, VotingRound
from scoring.permissions import rounds_visible_to

FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="e.g. 2023"),
    OpenApiParameter("bloc", OpenApiTypes.STR, description="a bloc's short name"),
    OpenApiParameter("region", OpenApiTypes.STR),
]


def _filters(request, serializer_class=s.ListFilters) -> dict:
    """The list's filters, validated: a malformed one raises a 400 that
    names it (``{"year": ["A valid integer is required."]}``)."""
    if not request.query_params:
        return {}  # nothing to read (building the filters costs more)
    filters = serializer_class(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_converter = "int"

    # Paths of the filters on this resource's rows: (year, bloc, region).
    filter_paths: tuple[str | None, str | None, str | None] = (None, None, None)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.action != "list":
            return queryset
        values = _filters(self.request, getattr(self, "filter_class", s.ListFilters))
        for name, path in zip(
            ("year", "bloc", "region"), self.filter_paths, strict=True
        ):
            if path and name in values:
                queryset = queryset.filter(**{path: values[name]})
        return self.extra_filters(queryset, values)

    def extra_filters(self, queryset: QuerySet, values: dict) -> QuerySet:
        return queryset

    def attach(self, rows: list) -> None:
        """Give the rows of a page (or the one object) the nested rows their
        serializer reads; none by default."""

    # Whether pages of the list are kept in the pages' cache: for lists whose
    # rows carry nested rows, which cost more to build than the cache's own
    # queries on a miss (some ten: version, epoch, read, write).
    cached = False

    def _page(self, request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.attach(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def list(self, request, *args, **kwargs):
        """A page of the list; when ``cached``, as JSON kept in the pages' cache
        (``reports.cache``) like the ministry's pages: under the data version,
        so never after a write, and the reader's scope, which is all that the
        querysets (``*_visible_to``) depend on. The key also holds the whole
        query string and the address the links are built on (the page's
        ``next`` link repeats both)."""

        if not self.cached:
            return self._page(request)

        def build():
            body = request.accepted_renderer.render(
                self._page(request).data,
                request.accepted_media_type,
                self.get_renderer_context(),
            )
            return body.decode(), True, {}

        params = {name: ",".join(v) for name, v in request.query_params.lists()}
        params["@"] = request.build_absolute_uri("/")
        body, _context = page_cache.fragment(
            f"api-{self.basename}", user=request.user, params=params, build=build
        )
        return HttpResponse(body, content_type=request.accepted_renderer.media_type)

    def retrieve(self, request, *args, **kwargs):
        row = self.get_object()
        self.attach([row])
        return Response(self.get_serializer(row).data)


@extend_schema(parameters=FILTERS)
class BlocViewSet(ScopedViewSet):
    """Blocs the token may read."""

    serializer_class = s.BlocSerializer
    filter_paths = ("years__year", "short_name", "region")

    def get_queryset(self):
        return (
            blocs_visible_to(self.request.user)
            .select_related("ministry")
            .order_by("name", "pk")
        )

    def extra_filters(self, queryset, values):
        return queryset.distinct() if "year" in values else queryset


@extend_schema(parameters=FILTERS)
class BoardViewSet(ScopedViewSet):
    """Management boards: the ministry's and secretariats' tokens see every
    board (as their pages do), a board's token its own."""

    serializer_class = s.BoardSerializer

    def get_queryset(self):
        return (
            boards_visible_to(self.request.user)
            .prefetch_related(
                Prefetch(
                    "past_names", queryset=BoardName.objects.order_by("valid_until")
                ),
                Prefetch(
                    "predecessions",
                    queryset=BoardSuccession.objects.order_by("date", "pk"),
                ),
            )
            .order_by("province", "name", "pk")
        )

    def extra_filters(self, queryset, values):
        members = Membership.objects.all()
        if "year" in values:
            members = members.filter(bloc_year__year=values["year"])
        if "bloc" in values:
            members = members.filter(bloc_year__bloc__short_name=values["bloc"])
        if "region" in values:
            members = members.filter(bloc_year__bloc__region=values["region"])
        if members.query.where:
            queryset = queryset.filter(pk__in=members.values("board"))
        return queryset


@extend_schema(parameters=FILTERS)
class BlocYearViewSet(ScopedViewSet):
    """Bloc-years: stage, head, deputy and members."""

    serializer_class = s.BlocYearSerializer
    filter_paths = ("year", "bloc__short_name", "bloc__region")

    def get_queryset(self):
        # Only the columns shown: a bloc's note and a year's texts are long.
        return (
            bloc_years_visible_to(self.request.user)
            .select_related("bloc")
            .only("year", "status", "bloc__short_name", "bloc__name", "bloc__region")
            .order_by("-year", "bloc__name", "pk")
        )

    cached = True

    def attach(self, rows):
        attach_members(rows)

    @extend_schema(
        parameters=[],
        responses=s.TotalsSerializer,
        description=(
            "Bloc totals of the summed indicators over approved reports, with "
            "% of plan, as the totals page shows them. `?format=csv` for CSV."
        ),
    )
    @action(
        detail=True,
        renderer_classes=[JSONRenderer, TotalsCSVRenderer],
        pagination_class=None,
    )
    def totals(self, request, pk=None):
        bloc_year = get_object_or_404(
            bloc_years_visible_to(request.user).select_related("bloc"), pk=pk
        )
        rows = bloc_totals(bloc_year, approved_only=True)
        approved = Submission.objects.filter(
            bloc_year=bloc_year, status=Submission.Status.APPROVED
        ).count()
        units = dict(Indicator.Unit.choices)
        data = {
            "bloc_year": bloc_year.pk,
            "bloc": bloc_year.bloc.short_name,
            "year": bloc_year.year,
            "approved_reports": approved,
            "rows": [
                {
                    "code": row.indicator.code,
                    "name": row.indicator.name,
                    "unit": str(units.get(row.indicator.unit, row.indicator.unit)),
                    "plan": row.total.plan,
                    "actual": row.total.actual,
                    "percent": row.total.percent,
                    "reported": row.total.reported,
                }
                for row in rows
            ],
        }
        response = Response(s.TotalsSerializer(data).data)
        if request.accepted_renderer.format == "csv":
            name = f"totals-{bloc_year.bloc.short_name}-{bloc_year.year}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@extend_schema(parameters=FILTERS)
class RoundViewSet(ScopedViewSet):
    """Nominations and elections, once their round is closed: candidates,
    votes and who was chosen."""

    serializer_class = s.RoundSerializer
    filter_paths = (
        "bloc_year__year",
        "bloc_year__bloc__short_name",
        "bloc_year__bloc__region",
    )

    def get_queryset(self):
        return (
            rounds_visible_to(self.request.user)
            .filter(status=VotingRound.Status.CLOSED)
            .select_related("bloc_year__bloc")
            .only(
                "kind",
                "title",
                "closed_at",
                "outcome",
                "bloc_year__year",
                "bloc_year__bloc__short_name",
            )
            .order_by("-bloc_year__year", "bloc_year__bloc__name", "pk")
        )

    cached = True

    def attach(self, rows):
        attach_candidates(rows)


# Nested rows, read as plain values in one query per page, each board then
# named as in its year from its former names (one more query; the table of
# renames is small): a page of 20 bloc-years holds some 300 members, which as
# model instances, or through a correlated subquery per row, cost more than
# the rest of the request; the light rows answer the same attributes.


def _dated_names(
    rows, boards: QuerySet, *, board: int, year: int, short: int, name: int | None
):
    """Replace, in each row (a list), the board's short name (and name) by
    those it bore in the row's year; ``boards``: the rows' board ids, as a
    query."""
    past = past_names_of(board_ids=boards)
    if not past:
        return
    for row in rows:
        former = board_name_on(row[board], year_end(row[year]), past)
        if former is not None:
            row[short] = former.short_name
            if name is not None:
                row[name] = former.name


def attach_members(bloc_years: list) -> None:
    """Each bloc-year's members (and from them its head, deputy and count),
    ordered by their short name that year."""
    by_year: dict[int, list] = {b.pk: [] for b in bloc_years}
    members = Membership.objects.filter(bloc_year__in=list(by_year))
    rows = [
        list(row)
        for row in members.values_list(
            "bloc_year_id",
            "board_id",
            "board__short_name",
            "board__name",
            "role",
            "year",
            "pk",
        )
    ]
    _dated_names(rows, members.values("board_id"), board=1, year=5, short=2, name=3)
    rows.sort(key=lambda row: (row[2], row[6]))
    for bloc_year_id, board_id, short, name, role, _year, _pk in rows:
        by_year[bloc_year_id].append(
            SimpleNamespace(
                board_id=board_id,
                board=SimpleNamespace(short_name=short, name=name),
                role=role,
            )
        )
    for bloc_year in bloc_years:
        members = by_year[bloc_year.pk]
        bloc_year.member_list = members
        bloc_year.member_count = len(members)
        leaders = {m.role: m.board.short_name for m in members}
        bloc_year.head_name = leaders.get(Membership.Role.HEAD)
        bloc_year.deputy_name = leaders.get(Membership.Role.DEPUTY)


def attach_candidates(rounds: list) -> None:
    """Each round's candidates, the chosen first."""
    by_round: dict[int, list] = {r.pk: [] for r in rounds}
    candidates = Candidate.objects.filter(round__in=list(by_round))
    rows = [
        list(row)
        for row in candidates.values_list(
            "round_id",
            "board_id",
            "board__short_name",
            "votes",
            "share",
            "score_rank",
            "elected",
            "round__bloc_year__year",
            "pk",
        )
    ]
    _dated_names(
        rows, candidates.values("board_id"), board=1, year=7, short=2, name=None
    )
    # A candidate without a rank comes after the ranked ones, on every
    # database (SQL puts NULLs first on SQLite and last on PostgreSQL).
    rows.sort(key=lambda row: (not row[6], row[5] is None, row[5] or 0, row[2], row[8]))
    for round_id, board_id, short, votes, share, rank, elected, _year, _pk in rows:
        by_round[round_id].append(
            SimpleNamespace(
                board_id=board_id,
                board=SimpleNamespace(short_name=short),
                votes=votes,
                share=share,
                score_rank=rank,
                elected=elected,
            )
        )
    for voting_round in rounds:
        voting_round.candidate_list = by_round[voting_round.pk]


@extend_schema(
    parameters=[
        *FILTERS,
        OpenApiParameter("kind", OpenApiTypes.STR, enum=Publication.Kind.values),
    ]
)
class DocumentViewSet(ScopedViewSet):
    """Published documents: public metadata, SHA-256, verification code and
    a download link (the file itself for tokens whose pages may read it)."""

    serializer_class = s.DocumentSerializer
    permission_classes = [ReadOnlyPublic]
    filter_class = s.DocumentFilters
    filter_paths = (
        "bloc_year__year",
        "bloc_year__bloc__short_name",
        "bloc_year__bloc__region",
    )

    def get_queryset(self):
        # Only the columns the serializer shows: a document's sections and
        # certificate are long texts.
        model_fields = {f.name for f in Publication._meta.concrete_fields}
        shown = [f for f in s.DocumentSerializer.Meta.fields if f in model_fields]
        return (
            Publication.objects.select_related("bloc_year__bloc")
            .only(*shown, "bloc_year__year", "bloc_year__bloc__short_name")
            .order_by("-bloc_year__year", "bloc_year__bloc__name", "kind", "-version")
        )

    def extra_filters(self, queryset, values):
        if "kind" in values:
            queryset = queryset.filter(kind=values["kind"])
        return queryset

    @extend_schema(
        parameters=[],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The archived PDF, byte for byte; needs a token that may read it.",
    )
    @action(detail=True, permission_classes=[ReadOnlyAuthenticated])
    def download(self, request, pk=None):
        publication = get_object_or_404(publications_visible_to(request.user), pk=pk)
        return FileResponse(
            publication.file.open("rb"),
            as_attachment=True,
            filename=publication.file.name.rsplit("/", 1)[-1],
            content_type="application/pdf",
        )


class VerifyView(GenericAPIView):
    """Public: the published document a verification code belongs to."""

    permission_classes = [ReadOnlyPublic]
    serializer_class = s.DocumentSerializer

    @extend_schema(
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, required=True)],
        responses=s.DocumentSerializer,
    )
    def get(self, request):
        query = s.VerifyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        publication = publication_find(code=query.validated_data["code"])
        if publication is None:
            raise NotFound
        return Response(self.get_serializer(publication).data)
