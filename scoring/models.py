"""Scoring scales, assessments, computed scores, and secret-ballot votes.

Secrecy by construction: who voted (``BallotCast``: round, board, day) and
what was voted (``Ballot``: round, receipt code, choices) are two tables with
no column in common but the round. A ballot has a random primary key, no
timestamp and keeps its choices inline; the round's ballots are rewritten in
a random order on every cast, and a cast keeps only its day; so neither
sequence numbers, storage order nor times can line it up with the list of
voters (scoring.services.ballots).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs import awards
from blocs.models import BlocYear, Board

POINTS = {"max_digits": 7, "decimal_places": 2}


class ScoringScale(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being edited")
        FROZEN = "frozen", _("Frozen for scoring")

    bloc_year = models.OneToOneField(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="scoring_scale",
        verbose_name=_("bloc year"),
    )
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )

    class Meta:
        verbose_name = _("scoring scale")
        verbose_name_plural = _("scoring scales")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """A group (its points are its children's sum) or a scored criterion."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group of criteria")
        PLAN = "plan", _("Indicator against plan")
        ASSESSED = "assessed", _("Assessed by the bloc (0 to max)")
        YES_NO = "yes_no", _("Task done or not")
        BONUS = "bonus", _("Bonus points")
        PENALTY = "penalty", _("Penalty points")

    scale = models.ForeignKey(
        ScoringScale,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("scoring scale"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("group"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    max_points = models.DecimalField(
        _("maximum points"), validators=[MinValueValidator(0)], **POINTS
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    indicator_code = models.SlugField(
        _("indicator code"),
        max_length=40,
        blank=True,
        help_text=_("For criteria scored from an indicator (against plan, yes/no)."),
    )
    full_at_percent = models.DecimalField(
        _("full points from this share of plan"), default=Decimal(100), **POINTS
    )
    loss_per_percent = models.DecimalField(
        _("points lost per percentage point short"), default=Decimal("0.5"), **POINTS
    )
    bonus_per_percent = models.DecimalField(
        _("bonus per percentage point above"), default=Decimal(0), **POINTS
    )
    bonus_cap = models.DecimalField(_("bonus cap"), default=Decimal(0), **POINTS)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["scale", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "code"],
                name="criterion_code_unique_per_scale",
                violation_error_message=_("This code is already used in the scale."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Assessment(models.Model):
    """Points given by hand: the board's own (self) or the bloc's (final)."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-assessment")
        BLOC = "bloc", _("Bloc assessment")

    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("criterion"),
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="+", verbose_name=_("board")
    )
    source = models.CharField(_("source"), max_length=4, choices=Source.choices)
    points = models.DecimalField(_("points"), **POINTS)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "board", "source"],
                name="assessment_once_per_source",
                violation_error_message=_("This criterion is already assessed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} {self.criterion.code}: {self.points}"


class Score(models.Model):
    """A board's computed score for a year, with its explanation line by line."""

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("bloc year"),
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="scores", verbose_name=_("board")
    )
    total = models.DecimalField(_("total"), **POINTS)
    rank = models.PositiveSmallIntegerField(_("rank"))
    lines = models.JSONField(_("explanation"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["bloc_year", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc_year", "board"],
                name="score_once_per_board_and_year",
                violation_error_message=_("This board already has a score."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.board.short_name}: {self.total}"


class VotingRound(models.Model):
    # Nominations for each award of the registry, then the elections.
    Kind = models.TextChoices(
        "Kind",
        [
            *awards.choice_members(round_labels=True),
            ("HEAD", ("head", _("Election of next year's head"))),
            ("DEPUTY", ("deputy", _("Election of next year's deputy"))),
        ],
    )

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for voting")
        CLOSED = "closed", _("Closed")

    class QuorumBase(models.TextChoices):
        MEMBERS = "members", _("All member boards")
        PRESENT = "present", _("Boards present")

    class TieBreak(models.TextChoices):
        SCORE = "score", _("Better score rank, else unresolved")
        NONE = "none", _("Unresolved: hold another round")

    # The outcome codes of scoring/tally.py in words, for the admin, the
    # round's page and messages alike (the field keeps the code).
    class Outcome(models.TextChoices):
        DECIDED = "decided", _("Decided: the chosen boards are marked.")
        TIE = (
            "tie",
            _("Tied at the last place: the bloc votes again among the tied boards."),
        )
        NO_QUORUM = "no_quorum", _("Quorum not reached: no board is chosen.")
        NO_ONE_REACHED_THRESHOLD = (
            "no_one_reached_threshold",
            _("No candidate reached the required share of votes."),
        )

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.PROTECT,
        related_name="voting_rounds",
        verbose_name=_("bloc year"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    max_choices = models.PositiveSmallIntegerField(
        _("choices per ballot"), default=1, validators=[MinValueValidator(1)]
    )
    quota = models.PositiveSmallIntegerField(
        _("how many are chosen"), default=1, validators=[MinValueValidator(1)]
    )
    quorum_percent = models.DecimalField(
        _("quorum (%)"),
        default=Decimal("50"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **POINTS,
    )
    quorum_base = models.CharField(
        _("quorum counts"),
        max_length=8,
        choices=QuorumBase.choices,
        default=QuorumBase.MEMBERS,
    )
    present = models.PositiveSmallIntegerField(
        _("boards present"), null=True, blank=True
    )
    threshold_percent = models.DecimalField(
        _("share of valid ballots needed (%)"),
        default=Decimal("50"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **POINTS,
    )
    self_vote_allowed = models.BooleanField(
        _("a board may vote for itself"), default=True
    )
    tie_break = models.CharField(
        _("tie-break"), max_length=6, choices=TieBreak.choices, default=TieBreak.SCORE
    )
    on_paper = models.BooleanField(
        _("voted on paper"),
        default=False,
        help_text=_("The secretariat enters the tallies counted at the conference."),
    )
    paper_issued = models.PositiveSmallIntegerField(
        _("paper ballots issued"), null=True, blank=True
    )
    paper_valid = models.PositiveSmallIntegerField(
        _("paper ballots valid"), null=True, blank=True
    )
    paper_invalid = models.PositiveSmallIntegerField(
        _("paper ballots invalid"), null=True, blank=True
    )
    closes_at = models.DateTimeField(
        _("voting ends at"),
        null=True,
        blank=True,
        help_text=_(
            "Boards that have not voted are reminded in the last 24 hours; the "
            "secretariat still closes the round."
        ),
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        ordering = ["bloc_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_choices__gte=1) & Q(quota__gte=1),
                name="round_choices_and_quota_positive",
                violation_error_message=_("Choices and quota must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    round = models.ForeignKey(
        VotingRound,
        on_delete=models.CASCADE,
        related_name="candidates",
        verbose_name=_("voting round"),
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="+", verbose_name=_("board")
    )
    paper_votes = models.PositiveSmallIntegerField(
        _("votes on paper"), null=True, blank=True
    )
    votes = models.PositiveSmallIntegerField(_("votes"), null=True, blank=True)
    share = models.DecimalField(_("share (%)"), null=True, blank=True, **POINTS)
    score_rank = models.PositiveSmallIntegerField(
        _("score rank"), null=True, blank=True
    )
    score_total = models.DecimalField(_("score"), null=True, blank=True, **POINTS)
    elected = models.BooleanField(_("chosen"), default=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["round", "board__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "board"],
                name="candidate_once_per_round",
                violation_error_message=_("This board is already a candidate."),
            ),
        ]

    def __str__(self) -> str:
        return self.board.short_name


class BallotCast(models.Model):
    """Who voted, and when: never what."""

    round = models.ForeignKey(
        VotingRound,
        on_delete=models.PROTECT,
        related_name="casts",
        verbose_name=_("voting round"),
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="+", verbose_name=_("board")
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cast by"),
    )
    cast_at = models.DateTimeField(_("cast at"))

    class Meta:
        verbose_name = _("record of voting")
        verbose_name_plural = _("records of voting")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "board"],
                name="one_ballot_per_board_and_round",
                violation_error_message=_(
                    "This board has already voted in this round."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} — {self.round}"


class Ballot(models.Model):
    """What was voted: the chosen candidates' board ids, behind a receipt code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        VotingRound,
        on_delete=models.PROTECT,
        related_name="ballots",
        verbose_name=_("voting round"),
    )
    receipt = models.CharField(_("receipt code"), max_length=16, unique=True)
    choices = models.JSONField(_("choices"), default=list)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["round", "receipt"]

    def __str__(self) -> str:
        return self.receipt
