"""What the API returns: plain read-only serializers, one per resource, and
the filters every list accepts (a malformed one is a 400 naming it)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from blocs.models import Bloc, BlocYear, Board, BoardName, BoardSuccession, Membership
from reports.models import Publication
from scoring.models import Candidate, VotingRound


class ListFilters(serializers.Serializer):
    """Query parameters shared by the lists; unknown ones are ignored."""

    year = serializers.IntegerField(
        required=False, min_value=1990, max_value=2100, help_text=_("e.g. 2023")
    )
    bloc = serializers.CharField(
        required=False, max_length=40, help_text=_("a bloc's short name")
    )
    region = serializers.CharField(required=False, max_length=120)


class DocumentFilters(ListFilters):
    kind = serializers.ChoiceField(required=False, choices=Publication.Kind.choices)


class VerifyQuery(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text=_("verification code"))


class FastListMixin:
    """Lists of many nested rows (a bloc-year's members, a round's
    candidates) are built as plain dicts: DRF's field-by-field machinery
    costs more than the queries. The declared fields still describe the
    schema; ``tests/reports/test_api.py`` checks both give the same output."""

    def to_representation(self, instance):
        return self.fast(instance)


class BlocSerializer(FastListMixin, serializers.ModelSerializer):
    ministry = serializers.CharField(source="ministry.short_name")

    class Meta:
        model = Bloc
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "region",
            "ministry",
            "merged_into",
        ]

    @staticmethod
    def fast(bloc) -> dict:
        return {
            "id": bloc.pk,
            "name": bloc.name,
            "short_name": bloc.short_name,
            "kind": bloc.kind,
            "region": bloc.region,
            "ministry": bloc.ministry.short_name,
            "merged_into": bloc.merged_into_id,
        }


class DatedNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoardName
        fields = [
            "name",
            "short_name",
            "province",
            "valid_from",
            "valid_until",
            "inferred",
        ]


class PredecessorSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoardSuccession
        fields = ["predecessor", "date", "kind"]


class BoardSerializer(FastListMixin, serializers.ModelSerializer):
    """A board with its current name and its dated former names (the name
    to print for a year is the one borne on the year's last day), and the
    boards it took over (the 2025 provincial mergers)."""

    zone_kinds = serializers.ListField(child=serializers.CharField())
    former_names = DatedNameSerializer(many=True, source="past_names")
    predecessors = PredecessorSerializer(many=True, source="predecessions")

    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "short_name",
            "name_inferred",
            "province",
            "zone_kinds",
            "former_names",
            "predecessors",
        ]

    @staticmethod
    def fast(board) -> dict:
        return {
            "id": board.pk,
            "name": board.name,
            "short_name": board.short_name,
            "name_inferred": board.name_inferred,
            "province": board.province,
            "zone_kinds": board.zone_kinds,
            "former_names": [
                {
                    "name": n.name,
                    "short_name": n.short_name,
                    "province": n.province,
                    "valid_from": n.valid_from and n.valid_from.isoformat(),
                    "valid_until": n.valid_until.isoformat(),
                    "inferred": n.inferred,
                }
                for n in board.past_names.all()
            ],
            "predecessors": [
                {
                    "predecessor": p.predecessor_id,
                    "date": p.date.isoformat(),
                    "kind": p.kind,
                }
                for p in board.predecessions.all()
            ],
        }


class MemberSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id")
    short_name = serializers.CharField(source="board.short_name")
    name = serializers.CharField(source="board.name")

    class Meta:
        model = Membership
        fields = ["board", "short_name", "name", "role"]


class BlocYearSerializer(FastListMixin, serializers.ModelSerializer):
    bloc = serializers.CharField(source="bloc.short_name")
    bloc_name = serializers.CharField(source="bloc.name")
    region = serializers.CharField(source="bloc.region")
    head = serializers.CharField(source="head_name", allow_null=True)
    deputy = serializers.CharField(source="deputy_name", allow_null=True)
    member_count = serializers.IntegerField()
    members = MemberSerializer(source="member_list", many=True)

    class Meta:
        model = BlocYear
        fields = [
            "id",
            "bloc",
            "bloc_name",
            "region",
            "year",
            "status",
            "head",
            "deputy",
            "member_count",
            "members",
        ]

    @staticmethod
    def fast(by) -> dict:
        return {
            "id": by.pk,
            "bloc": by.bloc.short_name,
            "bloc_name": by.bloc.name,
            "region": by.bloc.region,
            "year": by.year,
            "status": by.status,
            "head": by.head_name,
            "deputy": by.deputy_name,
            "member_count": by.member_count,
            "members": [
                {
                    "board": m.board_id,
                    "short_name": m.board.short_name,
                    "name": m.board.name,
                    "role": m.role,
                }
                for m in by.member_list
            ],
        }


class TotalSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    plan = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    percent = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text=_("percent of plan")
    )
    reported = serializers.IntegerField(help_text=_("boards with a figure"))


class TotalsSerializer(serializers.Serializer):
    bloc_year = serializers.IntegerField()
    bloc = serializers.CharField()
    year = serializers.IntegerField()
    approved_reports = serializers.IntegerField()
    rows = TotalSerializer(many=True)


class CandidateSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id")
    short_name = serializers.CharField(source="board.short_name")

    class Meta:
        model = Candidate
        fields = ["board", "short_name", "votes", "share", "score_rank", "elected"]


DATETIME = serializers.DateTimeField()


def _decimal(value):
    # The column's own scale (2 places) as DRF would print it; the database
    # returns it at that scale already, so str() is exact and cheaper.
    return None if value is None else str(value)


class RoundSerializer(FastListMixin, serializers.ModelSerializer):
    bloc = serializers.CharField(source="bloc_year.bloc.short_name")
    year = serializers.IntegerField(source="bloc_year.year")
    candidates = CandidateSerializer(source="candidate_list", many=True)

    class Meta:
        model = VotingRound
        fields = [
            "id",
            "bloc_year",
            "bloc",
            "year",
            "kind",
            "title",
            "closed_at",
            "outcome",
            "candidates",
        ]

    def fast(self, r) -> dict:
        closed = DATETIME.to_representation(r.closed_at)
        return {
            "id": r.pk,
            "bloc_year": r.bloc_year_id,
            "bloc": r.bloc_year.bloc.short_name,
            "year": r.bloc_year.year,
            "kind": r.kind,
            "title": r.title,
            "closed_at": closed if r.closed_at else None,
            "outcome": r.outcome,
            "candidates": [
                {
                    "board": c.board_id,
                    "short_name": c.board.short_name,
                    "votes": c.votes,
                    "share": _decimal(c.share),
                    "score_rank": c.score_rank,
                    "elected": c.elected,
                }
                for c in r.candidate_list
            ],
        }


class DocumentSerializer(FastListMixin, serializers.ModelSerializer):
    bloc = serializers.CharField(source="bloc_year.bloc.short_name")
    year = serializers.IntegerField(source="bloc_year.year")
    title = serializers.CharField(source="get_kind_display")
    download = serializers.SerializerMethodField()
    verify = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "id",
            "bloc_year",
            "bloc",
            "year",
            "kind",
            "title",
            "version",
            "code",
            "sha256",
            "size",
            "published_at",
            "signer",
            "signed_at",
            "original",
            "download",
            "verify",
        ]

    @extend_schema_field(serializers.URLField)
    def get_download(self, obj) -> str:
        return self._absolute(reverse("api:document-download", args=[obj.pk]))

    @extend_schema_field(serializers.URLField)
    def get_verify(self, obj) -> str:
        return self._absolute(reverse("reports:verify") + f"?code={obj.code}")

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def fast(self, p) -> dict:
        return {
            "id": p.pk,
            "bloc_year": p.bloc_year_id,
            "bloc": p.bloc_year.bloc.short_name,
            "year": p.bloc_year.year,
            "kind": p.kind,
            "title": str(p.get_kind_display()),
            "version": p.version,
            "code": p.code,
            "sha256": p.sha256,
            "size": p.size,
            "published_at": DATETIME.to_representation(p.published_at),
            "signer": p.signer,
            "signed_at": DATETIME.to_representation(p.signed_at)
            if p.signed_at
            else None,
            "original": p.original_id,
            "download": self.get_download(p),
            "verify": self.get_verify(p),
        }
