"""The inlines of a voting round: its candidates, and who has voted.

What each board voted is never shown: the "who has voted" list comes from
BallotCast (board and time), and Ballot is not registered at all.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from blocs.models import BlocYear, Board, Membership
from blocs.permissions import bloc_years_visible_to
from scoring import permissions
from scoring.admin.common import cache_choices
from scoring.models import BallotCast, Candidate, VotingRound

S = VotingRound.Status


def _open_years(user):
    return (
        bloc_years_visible_to(user)
        .exclude(status=BlocYear.Status.CLOSED)
        .select_related("bloc")
        .order_by("-year", "bloc__name")
    )


class CandidateInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        bloc_year = self.instance.bloc_year if self.instance.bloc_year_id else None
        if bloc_year is None:
            return
        members = set(
            Membership.objects.filter(bloc_year=bloc_year).values_list(
                "board_id", flat=True
            )
        )
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            board = form.cleaned_data.get("board")
            if board is not None and board.pk not in members:
                raise ValidationError(
                    _(
                        "%(board)s is not a member of %(year)s: only member "
                        "boards can be candidates."
                    ),
                    params={"board": board.short_name, "year": bloc_year},
                )


class CandidateInline(admin.TabularInline):
    model = Candidate
    formset = CandidateInlineFormSet
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("board")

    def _editable(self, request, obj) -> bool:
        return obj is None or (
            obj.status == S.DRAFT
            and permissions.can_run_scoring(request.user, obj.bloc_year)
        )

    def get_fields(self, request, obj=None):
        fields = ["board"]
        if obj is not None and obj.on_paper:
            fields.append("paper_votes")
        if obj is not None and obj.status == S.CLOSED:
            fields += ["votes", "share", "score_rank", "score_total", "elected"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = self.get_fields(request, obj)
        if self._editable(request, obj):
            return [f for f in fields if f != "board"]
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            boards = Board.objects.filter(memberships__bloc_year=obj.bloc_year_id)
        else:
            boards = Board.objects.filter(
                memberships__bloc_year__in=_open_years(request.user).values("pk")
            ).distinct()
        cache_choices(formset, "board", boards.order_by("short_name"))
        return formset

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        # Striking a candidate off a draft round is part of preparing it, so
        # it needs the right to change candidates, not to delete records.
        return self.has_change_permission(request, obj)


class BallotCastInline(admin.TabularInline):
    """Who has voted and when; what they voted is in no table it can reach."""

    model = BallotCast
    fields = ["board", "cast_at"]
    readonly_fields = fields
    ordering = ["board__short_name"]  # never the order of casting
    extra = 0
    can_delete = False
    verbose_name = _("board that has voted")
    verbose_name_plural = _("Who has voted")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("board")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
