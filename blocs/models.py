"""The foundation: ministries, blocs, boards, who belongs where each year, users.

Membership is recorded per bloc-year rather than as a date range so that the
database itself can refuse a board in two blocs in one year (a unique
constraint, portable to SQLite and PostgreSQL) and so that a bloc's history
(seed 003: two blocs merged into one in 2019) is simply its rows per year.
The head and deputy are roles of a membership row, so "head equal to deputy"
and "head not a member" cannot be stored at all.
"""

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 2000
MAX_YEAR = 2100


class Ministry(models.Model):
    """The ministry a bloc reports to; a dated record because ministries merge
    (Planning and Investment became part of Finance in 2025, Decree 29/2025)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    emulation_department = models.CharField(
        _("emulation department"),
        max_length=200,
        blank=True,
        help_text=_(
            "The department a bloc's documents to the ministry are also sent to "
            "(“Vụ Thi đua - Khen thưởng”)."
        ),
    )

    class Meta:
        verbose_name = _("ministry")
        verbose_name_plural = _("ministries")
        ordering = ["valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="ministry_valid_until_after_from",
                violation_error_message=_("The end date must not precede the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Bloc(models.Model):
    class Kind(models.TextChoices):
        BLOC = "bloc", _("Emulation bloc")
        CLUSTER = "cluster", _("Emulation cluster")

    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        unique=True,
        help_text=_("A short code used in lists, file names and commands."),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.BLOC
    )
    region = models.CharField(_("region"), max_length=120)
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        related_name="blocs",
        verbose_name=_("ministry"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
        help_text=_("The bloc that took over this one's members after a merger."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")),
                name="bloc_not_merged_into_itself",
                violation_error_message=_("A bloc cannot be merged into itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Board(models.Model):
    """A province's management board (Ban Quản lý) of industrial zones (KCN),
    export-processing zones (KCX), economic zones (KKT) or high-tech parks (KCNC)."""

    name = models.CharField(_("official name"), max_length=255, unique=True)
    short_name = models.CharField(_("short name"), max_length=80, unique=True)
    province = models.CharField(_("province"), max_length=80)
    name_inferred = models.BooleanField(
        _("inferred name"),
        default=False,
        help_text=_("No public source gives this name; it is the portal's guess."),
    )
    name_source = models.CharField(_("source of the name"), max_length=255, blank=True)
    manages_kcn = models.BooleanField(_("industrial zones (KCN)"), default=False)
    manages_kcx = models.BooleanField(_("export-processing zones (KCX)"), default=False)
    manages_kkt = models.BooleanField(_("economic zones (KKT)"), default=False)
    manages_kcnc = models.BooleanField(_("high-tech parks (KCNC)"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("management board")
        verbose_name_plural = _("management boards")
        ordering = ["province", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(manages_kcn=True)
                | Q(manages_kcx=True)
                | Q(manages_kkt=True)
                | Q(manages_kcnc=True),
                name="board_manages_some_zone_kind",
                violation_error_message=_(
                    "A board manages at least one kind of zone (KCN, KCX, KKT, KCNC)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone_kinds(self) -> list[str]:
        flags = [
            (self.manages_kcn, "KCN"),
            (self.manages_kcx, "KCX"),
            (self.manages_kkt, "KKT"),
            (self.manages_kcnc, "KCNC"),
        ]
        return [code for on, code in flags if on]


def year_end(year: int) -> dt.date:
    """The day whose names a bloc-year prints: its last day. A year's pages,
    exports and documents show each board as it was called then, and a
    rename dated after it never reaches them."""
    return dt.date(year, 12, 31)


class BoardName(models.Model):
    """A name a board bore before its current one (``Board.name``), between
    two dates. The current name lives on the board itself, so a board never
    renamed needs no row; ``board_rename`` moves the old name here."""

    board = models.ForeignKey(
        Board,
        on_delete=models.CASCADE,
        related_name="past_names",
        verbose_name=_("board"),
    )
    name = models.CharField(_("official name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80)
    province = models.CharField(_("province"), max_length=80)
    valid_from = models.DateField(
        _("named so from"),
        null=True,
        blank=True,
        help_text=_("Empty when the name goes back to the board's beginning."),
    )
    valid_until = models.DateField(_("named so until"))
    inferred = models.BooleanField(
        _("inferred name"),
        default=False,
        help_text=_("No public source gives this name; it is the portal's guess."),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("former board name")
        verbose_name_plural = _("former board names")
        ordering = ["board", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="board_name_dates_in_order",
                violation_error_message=_("The end date must not precede the start."),
            ),
            models.UniqueConstraint(
                fields=["board", "valid_until"],
                name="board_name_one_per_end",
                violation_error_message=_("This board already has a name ending then."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BoardSuccession(models.Model):
    """One board taking over (part of) another's work from a date: a merger
    (the predecessor ceases, Resolution 202/2025/QH15 merged provinces on
    1/7/2025), a split (one predecessor, several successors) or a
    reorganisation under a new board. The ministry's trends follow a board
    through these rows to its predecessors' figures."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merged into")
        SPLIT = "split", _("Split into")
        RENAME = "rename", _("Replaced by")

    predecessor = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="successions",
        verbose_name=_("predecessor"),
    )
    successor = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="predecessions",
        verbose_name=_("successor"),
    )
    date = models.DateField(_("effective from"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.MERGE
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("board succession")
        verbose_name_plural = _("board successions")
        ordering = ["date", "successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="board_succession_unique",
                violation_error_message=_("This succession is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="board_succession_not_itself",
                violation_error_message=_("A board cannot succeed itself."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class BlocYear(models.Model):
    """One bloc's emulation year: its members, leaders, conference and stage."""

    class Status(models.TextChoices):
        SETUP = "setup", _("Setup")
        PLEDGE = "pledge", _("Pledge and registration")
        REPORTING = "reporting", _("Reporting")
        REVIEW = "review", _("Review")
        SCORING = "scoring", _("Scoring")
        VOTING = "voting", _("Voting")
        CLOSED = "closed", _("Closed")

    bloc = models.ForeignKey(
        Bloc, on_delete=models.PROTECT, related_name="years", verbose_name=_("bloc")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SETUP
    )
    host = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_years",
        verbose_name=_("conference host"),
    )
    # The year-end summary conference (hội nghị tổng kết): rounds are voted
    # and the minutes signed there. The pledge is signed on another day,
    # recorded on the pledge; the two were confused.
    conference_date = models.DateField(
        _("year-end conference: first day"),
        null=True,
        blank=True,
        help_text=_(
            "The day the year-end summary conference opens, where the votes are "
            "held and the minutes signed; printed on the minutes and the "
            "nominations. Not the pledge-signing date, which is on the pledge."
        ),
    )
    conference_end_date = models.DateField(
        _("year-end conference: last day"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a one-day conference."),
    )
    conference_place = models.CharField(
        _("year-end conference: place"), max_length=255, blank=True
    )
    registration_deadline = models.DateField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Last day on which boards may register their targets."),
    )
    reporting_deadline = models.DateField(
        _("reporting deadline"),
        null=True,
        blank=True,
        help_text=_("Last day on which boards may submit the year's results."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_after_fact = models.BooleanField(
        _("recorded after the fact"),
        default=False,
        help_text=_(
            "The year ran on paper and is entered afterwards: signatures, reports "
            "and votes take the dates they bore, and every page and document says "
            "the year was recorded after the fact."
        ),
    )

    class Meta:
        verbose_name = _("bloc year")
        verbose_name_plural = _("bloc years")
        ordering = ["-year", "bloc__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "year"],
                name="bloc_year_unique",
                violation_error_message=_("This bloc already has this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="bloc_year_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(conference_end_date__isnull=True)
                | Q(conference_end_date__gte=F("conference_date")),
                name="bloc_year_conference_end_after_start",
                violation_error_message=_(
                    "The conference cannot end before it starts."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bloc.short_name} {self.year}"


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        HEAD = "head", _("Head")
        DEPUTY = "deputy", _("Deputy")

    bloc_year = models.ForeignKey(
        BlocYear,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("bloc year"),
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("board"),
    )
    # Mirrors bloc_year.year so that the database can hold one bloc per board
    # and year; set from bloc_year in clean() and by the services.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    role = models.CharField(
        _("role"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )
    confirmed = models.BooleanField(
        _("named by a source"),
        default=True,
        help_text=_(
            "Off when the membership was inferred (for example from the region's "
            "provinces) rather than named by a document."
        ),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["bloc_year", "board__province", "board__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "year"],
                name="membership_one_bloc_per_board_and_year",
                violation_error_message=_(
                    "This board is already a member of a bloc in this year."
                ),
            ),
            models.UniqueConstraint(
                fields=["bloc_year", "role"],
                condition=~Q(role="member"),
                name="membership_one_head_one_deputy",
                violation_error_message=_(
                    "This bloc year already has a board in this role."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} ({self.bloc_year})"

    def clean(self) -> None:
        # A new bloc-year saved with its member rows (the admin's inlines) is
        # not in the database yet: its object is attached but has no id.
        field = self._meta.get_field("bloc_year")
        if self.bloc_year_id is not None or field.is_cached(self):
            bloc_year = self.bloc_year
            if bloc_year is not None:
                self.year = bloc_year.year


class Official(models.Model):
    """A person who signs or attends for a board or a ministry department,
    with the title they held between two dates: documents print whoever held
    the post on their own date. A person the sources do not name is simply
    not recorded, and a document needing them says their name is missing."""

    class Position(models.TextChoices):
        HEAD = "head", _("Head of the body")
        DEPUTY = "deputy", _("Deputy head")
        OTHER = "other", _("Other")

    full_name = models.CharField(_("full name"), max_length=120)
    title = models.CharField(
        _("title"),
        max_length=255,
        help_text=_("As printed under a signature: “Trưởng ban”, “Phó Vụ trưởng”."),
    )
    position = models.CharField(
        _("position"), max_length=10, choices=Position.choices, default=Position.HEAD
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("board"),
    )
    ministry = models.ForeignKey(
        Ministry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("ministry"),
    )
    department = models.CharField(
        _("department or other body"),
        max_length=255,
        blank=True,
        help_text=_("A ministry's department, or the body of a guest."),
    )
    valid_from = models.DateField(_("in office from"))
    valid_until = models.DateField(_("in office until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["board__name", "-valid_from", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="official_dates_in_order",
                violation_error_message=_("The end date must not precede the start."),
            ),
            models.CheckConstraint(
                condition=~Q(full_name=""),
                name="official_has_a_name",
                violation_error_message=_("An official needs a full name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.title}"


class User(AbstractUser):
    """A person using the portal. Their role fixes their scope: a secretariat
    works for one bloc, a board officer for one board, a ministry viewer reads
    everything."""

    class Role(models.TextChoices):
        NONE = "", _("No role")
        SECRETARIAT = "secretariat", _("Bloc secretariat")
        BOARD_OFFICER = "board_officer", _("Board officer")
        MINISTRY_VIEWER = "ministry_viewer", _("Ministry viewer")

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.NONE, blank=True
    )
    bloc = models.ForeignKey(
        Bloc,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secretariat_users",
        verbose_name=_("bloc"),
    )
    board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("board"),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo accounts can log in only when DEBUG is on."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="secretariat", bloc__isnull=False, board__isnull=True)
                    | Q(
                        role="board_officer",
                        board__isnull=False,
                        bloc__isnull=True,
                        is_staff=False,
                    )
                    | Q(
                        role__in=["", "ministry_viewer"],
                        bloc__isnull=True,
                        board__isnull=True,
                    )
                ),
                name="user_role_scope",
                violation_error_message=_(
                    "A secretariat needs a bloc, a board officer needs a board (and "
                    "no admin access), other roles need neither."
                ),
            ),
        ]


class AuditEvent(models.Model):
    """An append-only record of a change: who, when, what, old and new values.

    Written by services in the same transaction as the change they record.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # A report's own routine write (``blocs.hooks.ROUTINE_ACTIONS``): pages
    # that show none of a report's rows need not be built again after it.
    routine = models.BooleanField(_("routine"), default=False, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The latest event that is not routine, found without walking
            # past a deadline day's thousands of saves.
            models.Index(
                fields=["id"],
                condition=models.Q(routine=False),
                name="blocs_audit_not_routine",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
