"""Forms of the scoring admin's own pages: they check the shape of the input,
the services decide."""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.forms import NumberField, WholeNumberField
from blocs.models import BlocYear, Board
from pledges.forms import plain
from scoring import services
from scoring.models import POINTS, Assessment, Candidate, Criterion, VotingRound


class ScaleCreateForm(forms.Form):
    bloc_year = forms.ModelChoiceField(
        label=_("Bloc year"),
        queryset=BlocYear.objects.none(),
        help_text=_(
            "The scale copies the bloc's latest earlier scale, else the default one."
        ),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc_year"].queryset = years


class RoundCreateForm(forms.Form):
    REGISTERED, MEMBERS, ELIGIBLE = "registered", "members", "eligible"

    bloc_year = forms.ModelChoiceField(
        label=_("Bloc year"), queryset=BlocYear.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=VotingRound.Kind.choices)
    candidates = forms.ChoiceField(
        label=_("Candidates"),
        choices=[
            (
                REGISTERED,
                _("Boards registered for this award (every member for the elections)"),
            ),
            (ELIGIBLE, _("Boards registered for this award, best score first")),
            (MEMBERS, _("Every member board")),
        ],
        initial=REGISTERED,
        help_text=_(
            "The candidates can still be changed on the round's page until it opens."
        ),
    )
    top = WholeNumberField(
        label=_("Only the best"),
        min_value=1,
        required=False,
        help_text=_("For registered boards: keep only this many, by score rank."),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bloc_year"].queryset = years

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("candidates") == self.ELIGIBLE and cleaned.get("kind") not in (
            VotingRound.Kind.FLAG,
            VotingRound.Kind.MERIT,
        ):
            self.add_error(
                "candidates",
                _("Registered boards exist for the flag and merit rounds only."),
            )
        return cleaned


class StatedTimeForm(forms.Form):
    """When a round of a year recorded after the fact opened or closed, as
    its minutes state (the services refuse a time in the future, or a
    closing before the opening)."""

    at = forms.DateTimeField(
        input_formats=["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=_("Day and hour, as 20/01/2024 09:30."),
    )

    def __init__(self, *args, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].label = label


class PaperTallyForm(forms.Form):
    """The count of a paper vote; one "votes" field per candidate board."""

    issued = WholeNumberField(label=_("Ballots issued"), min_value=0)
    valid = WholeNumberField(label=_("Valid ballots"), min_value=0)
    invalid = WholeNumberField(label=_("Invalid ballots"), min_value=0)

    def __init__(self, *args, candidates: list[Candidate], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for c in candidates:
            self.fields[f"votes_{c.board_id}"] = WholeNumberField(
                label=c.board.short_name,
                min_value=0,
                initial=c.paper_votes if c.paper_votes is not None else 0,
            )

    def votes(self) -> dict[int, int]:
        return {
            c.board_id: self.cleaned_data[f"votes_{c.board_id}"]
            for c in self.candidates
        }


@dataclass
class Cell:
    board: Board
    criterion: Criterion
    own: Assessment | None
    given: Assessment | None
    key: str
    errors: list[str] = field(default_factory=list)
    points: forms.BoundField | None = None
    comment: forms.BoundField | None = None
    seen: forms.BoundField | None = None


class AssessmentMatrixForm(forms.Form):
    """Boards by hand-given criteria: the bloc's points and comment per cell.

    Fields are named ``points_<board>_<criterion>``, ``comment_…`` and
    ``seen_…`` (the stamp of the stored assessment when the page was shown).
    Without ``editable`` the form has no fields and only shows the values.
    """

    def __init__(
        self,
        *args,
        boards: list[Board],
        criteria: list[Criterion],
        own: dict[tuple[int, int], Assessment],
        given: dict[tuple[int, int], Assessment],
        editable: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.boards, self.criteria = boards, criteria
        self.own, self.given = own, given
        self.cell_errors: dict[str, list[str]] = {}
        if not editable:
            return
        for board in boards:
            for criterion in criteria:
                key = f"{board.pk}_{criterion.pk}"
                stored = given.get((board.pk, criterion.pk))
                names = {"board": board.short_name, "criterion": criterion.code}
                self.fields[f"points_{key}"] = NumberField(
                    required=False,
                    max_digits=POINTS["max_digits"],
                    decimal_places=POINTS["decimal_places"],
                    initial=plain(stored.points) if stored else None,
                    widget=forms.TextInput(
                        attrs={
                            "size": 4,
                            "inputmode": "decimal",
                            "aria-label": _("Points of %(board)s for %(criterion)s")
                            % names,
                        }
                    ),
                )
                self.fields[f"comment_{key}"] = forms.CharField(
                    required=False,
                    max_length=2000,
                    initial=stored.comment if stored else "",
                    widget=forms.TextInput(
                        attrs={
                            "size": 14,
                            "aria-label": _("Comment of %(board)s for %(criterion)s")
                            % names,
                        }
                    ),
                )
                self.fields[f"seen_{key}"] = forms.CharField(
                    required=False,
                    initial=services.assessment_stamp(stored),
                    widget=forms.HiddenInput,
                )

    def rows(self) -> list[tuple[Board, list[Cell]]]:
        rows = []
        for board in self.boards:
            cells = []
            for criterion in self.criteria:
                key = f"{board.pk}_{criterion.pk}"
                cell = Cell(
                    board,
                    criterion,
                    self.own.get((board.pk, criterion.pk)),
                    self.given.get((board.pk, criterion.pk)),
                    key,
                    list(self.cell_errors.get(key, [])),
                )
                if f"points_{key}" in self.fields:
                    cell.points = self[f"points_{key}"]
                    cell.comment = self[f"comment_{key}"]
                    cell.seen = self[f"seen_{key}"]
                    cell.errors += [*cell.points.errors, *cell.comment.errors]
                cells.append(cell)
            rows.append((board, cells))
        return rows

    def entered(self, board: Board, criterion: Criterion) -> tuple:
        """(points or None, comment, stamp seen) of one cell, once valid."""
        key = f"{board.pk}_{criterion.pk}"
        points: Decimal | None = self.cleaned_data.get(f"points_{key}")
        comment = (self.cleaned_data.get(f"comment_{key}") or "").strip()
        return points, comment, self.cleaned_data.get(f"seen_{key}") or ""
