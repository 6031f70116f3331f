"""Setting up a bloc-year: its indicator catalogue, rules, pledge, submissions."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import BlocYear, Board, User
from blocs.services import audit_record, stated_date_check
from pledges import catalog, notices, units
from pledges.models import (
    Commitment,
    Indicator,
    Pledge,
    Signature,
    Submission,
    ValidationRule,
    Value,
)
from pledges.permissions import can_manage_year, can_sign_pledge

INDICATOR_FIELDS = [
    "code",
    "name",
    "dimension",
    "unit",
    "kind",
    "has_plan",
    "higher_is_better",
    "aggregation",
    "group",
    "order",
    "allow_negative",
    "max_value",
    "help_text",
]
RULE_FIELDS = ["name", "severity", "kind", "left", "operator", "right", "threshold"]


def _require_manager(actor: User | None, bloc_year: BlocYear) -> None:
    if actor is not None and not can_manage_year(actor, bloc_year):
        raise PermissionDenied


def indicator_build(*, bloc_year: BlocYear, **fields) -> Indicator:
    """An unsaved indicator of ``bloc_year`` (fields as in INDICATOR_FIELDS).
    Public for generators that insert many at once. Without a dimension,
    the unit's (pledges/units.py)."""
    if "dimension" not in fields and fields.get("unit") in units.UNITS:
        fields["dimension"] = units.dimension_of(
            fields["unit"], kind=fields.get("kind", Indicator.Kind.DECIMAL)
        )
    return Indicator(bloc_year=bloc_year, **fields)


def rule_build(
    *,
    bloc_year: BlocYear,
    name: str,
    severity: str,
    kind: str,
    left: str,
    operator: str,
    right: str,
    threshold: Decimal | str | None,
) -> ValidationRule:
    """An unsaved validation rule of ``bloc_year``; a threshold given as text
    (the catalogue's) becomes a Decimal, an empty one none."""
    return ValidationRule(
        bloc_year=bloc_year,
        name=name,
        severity=severity,
        kind=kind,
        left=left,
        operator=operator,
        right=right,
        threshold=Decimal(threshold) if threshold not in (None, "") else None,
    )


def _default_indicators(bloc_year: BlocYear) -> list[Indicator]:
    return [
        indicator_build(
            bloc_year=bloc_year,
            code=code,
            name=name,
            unit=unit,
            kind=kind,
            has_plan=has_plan,
            higher_is_better=higher,
            aggregation=aggregation,
            group=group,
            order=(i + 1) * 10,
            max_value=catalog.MAX_VALUES.get(code),
        )
        for i, (
            code,
            name,
            unit,
            kind,
            has_plan,
            higher,
            aggregation,
            group,
        ) in enumerate(catalog.INDICATORS)
    ]


def _default_rules(bloc_year: BlocYear) -> list[ValidationRule]:
    return [
        rule_build(
            bloc_year=bloc_year,
            name=name,
            severity=severity,
            kind=kind,
            left=left,
            operator=operator,
            right=right,
            threshold=threshold,
        )
        for name, severity, kind, left, operator, right, threshold in catalog.RULES
    ]


@transaction.atomic
def indicators_copy(*, bloc_year: BlocYear, actor: User | None) -> int:
    """Give a year the catalogue and rules of the bloc's latest earlier year
    that has one, else the default catalogue. Existing codes are kept as
    they are; returns how many indicators were added. The members' reports
    open with it (``submissions_prepare``): an import or a board finds
    them without a separate step."""
    _require_manager(actor, bloc_year)
    previous = (
        BlocYear.objects.filter(
            bloc=bloc_year.bloc, year__lt=bloc_year.year, indicators__isnull=False
        )
        .order_by("-year")
        .first()
    )
    if previous is None:
        indicators, rules = _default_indicators(bloc_year), _default_rules(bloc_year)
    else:
        indicators = [
            indicator_build(
                bloc_year=bloc_year, **{f: getattr(i, f) for f in INDICATOR_FIELDS}
            )
            for i in previous.indicators.all()
        ]
        rules = [
            rule_build(bloc_year=bloc_year, **{f: getattr(r, f) for f in RULE_FIELDS})
            for r in previous.validation_rules.filter(active=True)
        ]
    existing = set(bloc_year.indicators.values_list("code", flat=True))
    new = [i for i in indicators if i.code not in existing]
    Indicator.objects.bulk_create(new)
    if not bloc_year.validation_rules.exists():
        ValidationRule.objects.bulk_create(rules)
    if new:
        audit_record(
            actor=actor,
            action="indicators.copy",
            obj=bloc_year,
            changes={
                "added": [i.code for i in new],
                "from": str(previous or "default"),
            },
        )
    submissions_prepare(bloc_year=bloc_year, actor=actor)
    return len(new)


def submission_build(*, bloc_year: BlocYear, board_id: int, **fields) -> Submission:
    """An unsaved submission of a member board; ``fields`` carry a state the
    workflow services would have left (status, who and when). Public for
    generators that insert many at once."""
    return Submission(bloc_year=bloc_year, board_id=board_id, **fields)


def value_build(
    *,
    submission_id: int,
    indicator_id: int,
    plan: Decimal | None = None,
    actual: Decimal | None = None,
    text: str = "",
    note: str = "",
) -> Value:
    """An unsaved value row of a saved submission for one indicator (empty
    by default, as ``submissions_prepare`` makes it)."""
    return Value(
        submission_id=submission_id,
        indicator_id=indicator_id,
        plan=plan,
        actual=actual,
        text=text,
        note=note,
    )


@transaction.atomic
def submissions_prepare(*, bloc_year: BlocYear, actor: User | None) -> int:
    """One submission per member board, one value row per indicator
    (idempotent: adds what is missing). Returns how many submissions it made."""
    _require_manager(actor, bloc_year)
    members = set(bloc_year.memberships.values_list("board_id", flat=True))
    have = set(bloc_year.submissions.values_list("board_id", flat=True))
    Submission.objects.bulk_create(
        submission_build(bloc_year=bloc_year, board_id=board_id)
        for board_id in sorted(members - have)
    )
    indicator_ids = list(bloc_year.indicators.values_list("pk", flat=True))
    filled = set(
        Value.objects.filter(submission__bloc_year=bloc_year).values_list(
            "submission_id", "indicator_id"
        )
    )
    Value.objects.bulk_create(
        value_build(submission_id=sub_id, indicator_id=ind_id)
        for sub_id in bloc_year.submissions.values_list("pk", flat=True)
        for ind_id in indicator_ids
        if (sub_id, ind_id) not in filled
    )
    return len(members - have)


def pledge_build(*, bloc_year: BlocYear, title: str = "", **fields) -> Pledge:
    """The year's unsaved pledge, titled by default after its year."""
    return Pledge(
        bloc_year=bloc_year,
        title=title or _("Emulation pledge %(year)s") % {"year": bloc_year.year},
        **fields,
    )


def commitments_build(*, pledge: Pledge) -> list[Commitment]:
    """The default commitments (seed 003's) of a saved pledge, unsaved."""
    return [
        Commitment(pledge=pledge, number=n, text=text)
        for n, text in enumerate(catalog.COMMITMENTS, start=1)
    ]


def signature_build(
    *, pledge: Pledge, board_id: int, signed_by: User, signed_at: dt.datetime
) -> Signature:
    """A board's unsaved signature of a pledge."""
    return Signature(
        pledge=pledge, board_id=board_id, signed_by=signed_by, signed_at=signed_at
    )


@transaction.atomic
def pledge_create(
    *, bloc_year: BlocYear, actor: User | None, title: str = "", **fields
) -> Pledge:
    """The year's pledge with the default commitments (seed 003's)."""
    _require_manager(actor, bloc_year)
    pledge = pledge_build(bloc_year=bloc_year, title=title, **fields)
    pledge.full_clean()
    pledge.save()
    Commitment.objects.bulk_create(commitments_build(pledge=pledge))
    audit_record(actor=actor, action="pledge.create", obj=pledge)
    return pledge


def _pledge_transition(pledge: Pledge, actor, allowed_from: str, to: str) -> Pledge:
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    _require_manager(actor, pledge.bloc_year)
    if pledge.status != allowed_from:
        raise ValidationError(
            _("The pledge is %(status)s; this step is not possible now."),
            params={"status": pledge.get_status_display().lower()},
        )
    old = pledge.status
    pledge.status = to
    pledge.save(update_fields=["status"])
    audit_record(
        actor=actor, action=f"pledge.{to}", obj=pledge, changes={"status": [old, to]}
    )
    return pledge


@transaction.atomic
def pledge_open(*, pledge: Pledge, actor: User) -> Pledge:
    pledge = _pledge_transition(pledge, actor, Pledge.Status.DRAFT, Pledge.Status.OPEN)
    notices.signing_opened(pledge)
    return pledge


@transaction.atomic
def pledge_close(*, pledge: Pledge, actor: User) -> Pledge:
    return _pledge_transition(pledge, actor, Pledge.Status.OPEN, Pledge.Status.CLOSED)


@transaction.atomic
def pledge_sign(
    *, pledge: Pledge, actor: User, signed_at: dt.datetime | None = None
) -> Signature:
    """The actor's board signs the pledge, once, while signing is open.
    ``signed_at`` records a signature given on paper earlier, taken only for
    a year recorded after the fact (never later than now); by default the
    signature is given now."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not can_sign_pledge(actor, pledge):
        raise PermissionDenied
    return _sign(pledge, actor, actor.board, signed_at)


@transaction.atomic
def pledge_sign_recorded(
    *, pledge: Pledge, board: Board, signed_at: dt.datetime, actor: User
) -> Signature:
    """The secretariat records from paper that ``board`` signed the pledge on
    ``signed_at``: a year recorded after the fact only, whose boards signed
    before the portal knew the year."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not can_manage_year(actor, pledge.bloc_year):
        raise PermissionDenied
    if not pledge.bloc_year.memberships.filter(board=board).exists():
        raise ValidationError(
            _("%(board)s is not a member of %(year)s."),
            params={"board": board, "year": pledge.bloc_year},
        )
    stated_date_check(bloc_year=pledge.bloc_year, stated=signed_at)
    return _sign(pledge, actor, board, signed_at)


def _sign(
    pledge: Pledge, actor: User, board: Board, signed_at: dt.datetime | None
) -> Signature:
    if pledge.status != Pledge.Status.OPEN:
        raise ValidationError(_("The pledge is not open for signing."))
    if pledge.signatures.filter(board=board).exists():
        raise ValidationError(_("Your board has already signed this pledge."))
    stated_date_check(bloc_year=pledge.bloc_year, stated=signed_at)
    signature = signature_build(
        pledge=pledge,
        board_id=board.pk,
        signed_by=actor,
        signed_at=signed_at or timezone.now(),
    )
    signature.full_clean()
    signature.save()
    audit_record(
        actor=actor,
        action="pledge.sign",
        obj=pledge,
        changes={
            "board": board.short_name,
            "signed_at": signature.signed_at.isoformat(),
            "stated": signed_at is not None,
        },
    )
    return signature
