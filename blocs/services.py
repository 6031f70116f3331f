"""Every state change of the blocs app goes through these functions."""

import datetime as dt
import itertools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs import hooks
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
)
from blocs.roles import ROLE_GROUPS, group_for_role

# The year's cycle moves forward one stage at a time; a closed year never moves.
STATUS_ORDER = [s.value for s in BlocYear.Status]
ALLOWED_TRANSITIONS: dict[str, str] = dict(itertools.pairwise(STATUS_ORDER))


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes or {},
        routine=action in hooks.ROUTINE_ACTIONS,
    )


def _upsert(model: type[models.Model], lookup: dict, fields: dict) -> models.Model:
    """Create or update one row by its natural key, validating before saving."""
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def ministry_upsert(*, short_name: str, **fields) -> Ministry:
    return _upsert(Ministry, {"short_name": short_name}, fields)


@transaction.atomic
def bloc_upsert(*, short_name: str, **fields) -> Bloc:
    return _upsert(Bloc, {"short_name": short_name}, fields)


@transaction.atomic
def board_upsert(*, short_name: str, **fields) -> Board:
    return _upsert(Board, {"short_name": short_name}, fields)


@transaction.atomic
def bloc_year_upsert(*, bloc: Bloc, year: int, **fields) -> BlocYear:
    return _upsert(BlocYear, {"bloc": bloc, "year": year}, fields)


def membership_build(
    *,
    bloc_year: BlocYear,
    board: Board,
    role: str = Membership.Role.MEMBER,
    confirmed: bool = True,
    source: str = "",
) -> Membership:
    """An unsaved membership of ``board`` in ``bloc_year``, its fields as
    ``membership_set`` stores them (the year copied for the unique checks).
    Public for generators that insert many at once."""
    return Membership(
        bloc_year=bloc_year,
        board=board,
        year=bloc_year.year,
        role=role,
        confirmed=confirmed,
        source=source,
    )


@transaction.atomic
def membership_set(
    *,
    bloc_year: BlocYear,
    board: Board,
    role: str = Membership.Role.MEMBER,
    confirmed: bool = True,
    source: str = "",
) -> Membership:
    """Make ``board`` a member of ``bloc_year`` in ``role`` (idempotent)."""
    if (
        bloc_year.status == BlocYear.Status.CLOSED
        and not Membership.objects.filter(
            bloc_year=bloc_year, board=board, role=role
        ).exists()
    ):
        raise ValidationError(_("A closed year cannot change."))
    built = membership_build(
        bloc_year=bloc_year, board=board, role=role, confirmed=confirmed, source=source
    )
    return _upsert(
        Membership,
        {"bloc_year": bloc_year, "board": board},
        {f: getattr(built, f) for f in ("year", "role", "confirmed", "source")},
    )


@transaction.atomic
def official_upsert(
    *,
    full_name: str,
    title: str,
    valid_from,
    board: Board | None = None,
    ministry: Ministry | None = None,
    actor: User | None = None,
    **fields,
) -> Official:
    """Record a person in a post from a date (idempotent on person, body and
    start date), audited."""
    lookup = {
        "full_name": full_name,
        "board": board,
        "ministry": ministry,
        "valid_from": valid_from,
    }
    fields = {"title": title, **fields}
    official = Official.objects.filter(**lookup).first()
    if official is not None and all(
        getattr(official, k) == v for k, v in fields.items()
    ):
        return official  # nothing to change, nothing to record
    official = _upsert(Official, lookup, fields)
    audit_record(
        actor=actor,
        action="official.upsert",
        obj=official,
        changes={k: str(v) for k, v in fields.items()},
    )
    return official


def stated_date_check(
    *, bloc_year: BlocYear, stated: dt.datetime | dt.date | None
) -> None:
    """A date stated by the secretariat instead of the clock's (a signature,
    a report as it was dated on paper) is taken only for a year recorded
    after the fact, and never in the future. None (the clock) always passes."""
    if stated is None:
        return
    if not bloc_year.recorded_after_fact:
        raise ValidationError(
            _(
                "%(year)s runs in the portal: its dates are those of the day. Only "
                "a year recorded after the fact takes dates stated from paper."
            ),
            params={"year": bloc_year},
        )
    now = timezone.now()
    if stated > (now if isinstance(stated, dt.datetime) else timezone.localdate()):
        raise ValidationError(_("A date stated from paper cannot be in the future."))


def board_rename_refusal(
    *, board: Board, valid_from: dt.date
) -> ValidationError | None:
    """Why ``board`` cannot take a new name from ``valid_from``, or None:
    the rename service and the admin's form ask the same question."""
    closed = (
        Membership.objects.filter(
            board=board,
            bloc_year__status=BlocYear.Status.CLOSED,
            year__gte=valid_from.year,
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if closed is not None:
        return ValidationError(
            _(
                "%(board)s took part in the closed year %(year)s: a new name can "
                "only take effect after it (from 1/1/%(next)s)."
            ),
            params={"board": board.name, "year": closed, "next": closed + 1},
        )
    latest = board.past_names.order_by("-valid_until").first()
    if latest is not None and valid_from <= latest.valid_until:
        return ValidationError(
            _("The board already bore its current name on %(date)s."),
            params={"date": latest.valid_until.strftime("%d/%m/%Y")},
        )
    return None


@transaction.atomic
def board_rename(
    *,
    board: Board,
    name: str,
    short_name: str,
    valid_from: dt.date,
    actor: User | None,
    province: str | None = None,
    inferred: bool = False,
    source: str = "",
) -> Board:
    """Give ``board`` a new name from ``valid_from``, keeping the old one for
    the days before (a ``BoardName`` row), audited; ``province`` when the
    board passes to another province (a merger of provinces). A rename reaching back
    into a closed year is refused: that year's pages, exports and documents
    keep the name they were closed with."""
    board = Board.objects.select_for_update().get(pk=board.pk)
    refusal = board_rename_refusal(board=board, valid_from=valid_from)
    if refusal is not None:
        raise refusal
    latest = board.past_names.order_by("-valid_until").first()
    old = {
        "name": board.name,
        "short_name": board.short_name,
        "province": board.province,
    }
    former = BoardName(
        board=board,
        name=board.name,
        short_name=board.short_name,
        province=board.province,
        valid_from=latest.valid_until + dt.timedelta(days=1) if latest else None,
        valid_until=valid_from - dt.timedelta(days=1),
        inferred=board.name_inferred,
        source=board.name_source,
    )
    former.full_clean()
    former.save()
    board.name, board.short_name = name, short_name
    board.name_inferred, board.name_source = inferred, source
    board.province = province or board.province
    board.full_clean()
    board.save(
        update_fields=["name", "short_name", "province", "name_inferred", "name_source"]
    )
    audit_record(
        actor=actor,
        action="board.rename",
        obj=board,
        changes={
            "name": [old["name"], name],
            "short_name": [old["short_name"], short_name],
            "province": [old["province"], board.province],
            "valid_from": valid_from.isoformat(),
        },
    )
    return board


@transaction.atomic
def board_succession_record(
    *,
    predecessor: Board,
    successor: Board,
    date: dt.date,
    kind: str = BoardSuccession.Kind.MERGE,
    actor: User | None,
    source: str = "",
) -> BoardSuccession:
    """Record that ``successor`` took over ``predecessor``'s work from
    ``date`` (idempotent), audited."""
    lookup = {"predecessor": predecessor, "successor": successor}
    fields = {"date": date, "kind": kind, "source": source}
    found = BoardSuccession.objects.filter(**lookup).first()
    if found is not None and all(getattr(found, k) == v for k, v in fields.items()):
        return found
    succession = _upsert(BoardSuccession, lookup, fields)
    audit_record(
        actor=actor,
        action="board.succession",
        obj=succession,
        changes={k: str(v) for k, v in fields.items()},
    )
    return succession


@transaction.atomic
def bloc_year_advance(
    *, bloc_year: BlocYear, actor: User | None, override_reason: str = ""
) -> BlocYear:
    """Move a bloc-year to the next stage of its cycle.

    Refused with the list of what is missing (the checks the other apps
    register in ``hooks.STAGE_CHECKS``), unless an override reason is given:
    then the move is made and the reason is audited with what was missing.
    """
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    old = bloc_year.status
    new = ALLOWED_TRANSITIONS.get(old)
    if new is None:
        raise ValidationError(
            _("%(year)s is closed: its stage can no longer change."),
            params={"year": bloc_year},
        )
    missing = hooks.stage_missing(bloc_year, old)
    override_reason = override_reason.strip()
    if missing and not override_reason:
        raise ValidationError(
            [
                _("%(year)s cannot leave the stage “%(stage)s” yet. Missing:")
                % {"year": bloc_year, "stage": bloc_year.get_status_display()},
                *missing,
            ],
            code="missing",
        )
    for entered in hooks.STAGE_ENTERED:
        entered(bloc_year, old, new, actor)
    bloc_year.status = new
    bloc_year.full_clean()
    bloc_year.save(update_fields=["status"])
    changes: dict[str, Any] = {"status": [old, new]}
    if missing:
        changes |= {"override_reason": override_reason, "missing": missing}
    audit_record(
        actor=actor,
        action="bloc_year.advance_override" if missing else "bloc_year.advance",
        obj=bloc_year,
        changes=changes,
    )
    return bloc_year


@transaction.atomic
def user_set_role(
    *,
    user: User,
    role: str,
    bloc: Bloc | None = None,
    board: Board | None = None,
) -> User:
    """Give a user one role with its scope, admin access and group."""
    _role_apply(user, role=role, bloc=bloc, board=board)
    user.full_clean(exclude=["password"])
    user.save()
    role_groups = user.groups.filter(name__in=ROLE_GROUPS.values())
    user.groups.remove(*role_groups)
    group = group_for_role(role)
    if group is not None:
        user.groups.add(group)
    return user


def _role_apply(
    user: User, *, role: str, bloc: Bloc | None, board: Board | None
) -> None:
    user.role = role
    user.bloc = bloc if role == User.Role.SECRETARIAT else None
    user.board = board if role == User.Role.BOARD_OFFICER else None
    if not user.is_superuser:
        user.is_staff = role in (User.Role.SECRETARIAT, User.Role.MINISTRY_VIEWER)


def user_build(
    *,
    username: str,
    full_name: str,
    role: str,
    bloc: Bloc | None = None,
    board: Board | None = None,
) -> User:
    """An unsaved user who cannot sign in with a password, with the role's
    scope and admin access set as ``user_set_role`` sets them; after saving,
    ``user_role_group_links_build`` gives the rows of the role's group. Public
    for generators that insert many users at once."""
    user = User(username=username, first_name=full_name)
    user.set_unusable_password()
    _role_apply(user, role=role, bloc=bloc, board=board)
    return user


def user_role_group_links_build(users: list[User]) -> list[models.Model]:
    """Unsaved rows linking saved ``users`` to their role's group, as
    ``user_set_role`` adds it (users of a role without a group get none)."""
    through = User.groups.through
    groups = {role: group_for_role(role) for role in {u.role for u in users}}
    return [
        through(user_id=user.pk, group_id=groups[user.role].pk)
        for user in users
        if groups[user.role] is not None
    ]
