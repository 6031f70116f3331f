"""A board fills in its registration and results: locks, drafts, submission."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from blocs.models import AuditEvent, BlocYear, User
from blocs.services import audit_record, stated_date_check
from pledges import calc, units
from pledges.models import ABSOLUTE_MAX, Indicator, Submission, Value
from pledges.permissions import can_edit_submission, can_review_submission
from pledges.selectors import values_of
from pledges.services.plausibility import outlier_message, submission_outliers
from pledges.services.units import exchange_rate_of, figure_convert

S = Submission.Status
# The figures as typed, kept next to plan and actual (pledges.models.Value).
TYPED = ["plan_entered", "plan_entered_unit", "actual_entered", "actual_entered_unit"]


class StaleEditError(ValidationError):
    """The submission changed since the form was rendered."""


class EmptyResultsError(ValidationError):
    """A submission would leave results empty and the board has not
    confirmed it; ``names`` lists those indicators, in the report's order."""

    def __init__(self, names: list[str]):
        super().__init__(
            _(
                "%(count)s results are empty: %(names)s. Fill them in, or submit "
                "again to confirm that they are left empty."
            ),
            params={"count": len(names), "names": "; ".join(names)},
        )
        self.names = names


def _values_in_order(submission: Submission) -> list[Value]:
    """The submission's values with their indicators, in the report's order."""
    return values_of(submission, tie="id")


def submission_empty_results(
    submission: Submission, *, values: list[Value] | None = None
) -> list[str]:
    """The names of the indicators whose result is empty (no figure, or no
    words for a task answered in words), in the report's order; ``values``:
    the submission's, in that order, when already read."""
    return [
        value.indicator.name
        for value in (_values_in_order(submission) if values is None else values)
        if (
            not value.text.strip()
            if value.indicator.kind == Indicator.Kind.TEXT
            else value.actual is None
        )
    ]


def _date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class Locks:
    """Why the plans or the results cannot change now (None: they can), in
    words a board can act on, and a notice to show while the form is open."""

    plans: str | None
    values: str | None
    notice: str | None = None


def submission_locks(submission: Submission, *, today: dt.date | None = None) -> Locks:
    today = today or timezone.localdate()
    bloc_year = submission.bloc_year
    if bloc_year.status == BlocYear.Status.CLOSED:
        reason = _("The year %(year)s is closed: its data can no longer change.") % {
            "year": bloc_year.year
        }
        return Locks(reason, reason)
    if submission.status == S.APPROVED:
        reviewer = submission.reviewed_by
        reason = _(
            "Approved by %(name)s on %(date)s. To change a value, ask the secretariat "
            "to reopen the report."
        ) % {
            "name": reviewer.get_full_name() or reviewer.username if reviewer else "—",
            "date": _date(submission.reviewed_at),
        }
        return Locks(reason, reason)
    if submission.status == S.SUBMITTED:
        reason = _(
            "Submitted on %(date)s and waiting for the secretariat's review."
        ) % {"date": _date(submission.submitted_at)}
        return Locks(reason, reason)
    reopened = (
        submission.reopened_until is not None and today <= submission.reopened_until
    )
    notice = None
    if reopened:
        notice = _("Reopened for your board until %(date)s.") % {
            "date": _date(submission.reopened_until)
        }
    plans = values = None
    deadline = bloc_year.registration_deadline
    if deadline and today > deadline and not reopened:
        plans = _(
            "Registration closed on %(date)s: the registered plan can no longer change."
        ) % {"date": _date(deadline)}
    deadline = bloc_year.reporting_deadline
    if deadline and today > deadline and not reopened:
        values = _(
            "The reporting deadline passed on %(date)s. Ask the secretariat to reopen "
            "the report for your board."
        ) % {"date": _date(deadline)}
    return Locks(plans, values, notice)


@dataclass(frozen=True)
class Entry:
    """What a board typed for one indicator."""

    plan: Decimal | None = None
    actual: Decimal | None = None
    text: str = ""
    note: str = ""
    # The unit each figure was typed in; empty: the indicator's own.
    plan_unit: str = ""
    actual_unit: str = ""


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _records_from_paper(actor: User, submission: Submission) -> bool:
    """In a year recorded after the fact the secretariat enters the boards'
    reports from their paper copies (the boards reported long ago)."""
    return submission.bloc_year.recorded_after_fact and can_review_submission(
        actor, submission
    )


def _lock_for_update(submission: Submission, actor: User, expected_version: int):
    sub = (
        Submission.objects.select_for_update(of=("self",))
        # The bloc names the report in the audit trail (``str(sub)``).
        .select_related("bloc_year__bloc", "board", "reviewed_by")
        .get(pk=submission.pk)
    )
    if not can_edit_submission(actor, sub) and not _records_from_paper(actor, sub):
        raise PermissionDenied
    if sub.version != expected_version:
        last = (
            AuditEvent.objects.filter(
                object_type="pledges.submission", object_id=str(sub.pk)
            )
            .select_related("actor")
            .first()
        )
        who = (
            (last.actor.get_full_name() or last.actor.username)
            if last and last.actor
            else "—"
        )
        when = timezone.localtime(last.at).strftime("%H:%M %d/%m/%Y") if last else "—"
        raise StaleEditError(
            _(
                "%(name)s changed this report at %(time)s, after you opened it. Your "
                "entries were not saved: they are still in the form below. Open the "
                "report again in a new tab, compare, and enter your changes again."
            ),
            params={"name": who, "time": when},
        )
    return sub


def _check_range(indicator, number: Decimal) -> None:
    """The same bounds as the form's, for callers that bypass it (import)."""
    if number < 0 and not indicator.allow_negative:
        raise ValidationError(
            _("%(name)s cannot be negative."), params={"name": indicator.name}
        )
    limit = indicator.max_value if indicator.max_value is not None else ABSOLUTE_MAX
    if abs(number) > limit:
        raise ValidationError(
            _("%(name)s cannot exceed %(max)s."),
            params={"name": indicator.name, "max": formats.number_format(limit)},
        )


def _typed(value: Value, field: str) -> tuple[Decimal | None, str]:
    return getattr(value, f"{field}_entered"), getattr(value, f"{field}_entered_unit")


def _converted(
    sub: Submission, value: Value, number: Decimal | None, unit: str, rate: list
) -> tuple[Decimal | None, tuple[Decimal | None, str]]:
    """A typed figure as (figure in the indicator's unit, (as typed, unit as
    typed)); the typed pair is empty when typed in the indicator's unit.
    ``rate`` holds the year's rate once looked up (one query per save)."""
    indicator = value.indicator
    if number is None or unit in ("", indicator.unit):
        return number, (None, "")
    if units.needs_rate(unit, indicator.unit) and not rate:
        rate.append(exchange_rate_of(sub.bloc_year))
    converted = figure_convert(
        indicator=indicator,
        number=number,
        unit=unit,
        rate=rate[0] if rate else None,
        year=sub.bloc_year.year,
    )
    return converted, (number, unit)


def typed_text(pair: tuple[Decimal | None, str]) -> str | None:
    """A figure as typed, (number, unit code), as the audit trail keeps it:
    "5143.7 billion_vnd"; None when nothing was typed in another unit."""
    return None if pair[0] is None else f"{_fmt(pair[0])} {pair[1]}"


def _apply(
    sub: Submission,
    actor: User,
    entries: dict[int, Entry],
    award_target: str | None,
    locks: Locks,
    values: list[Value] | None = None,
) -> dict:
    """Write what changed; refuse changes that a lock forbids. A figure typed
    in another unit is converted to the indicator's, and what was typed is
    kept beside it. Returns the changes as {code: {field: [old, new]}} for
    the audit trail. ``values``: the submission's, read under its lock, which
    then hold the changes too."""
    changes: dict[str, dict] = {}
    changed_rows: dict[tuple[str, ...], list[Value]] = defaultdict(list)
    rate: list = []
    if values is None:
        values = _values_in_order(sub)
    for value in values:
        entry = entries.get(value.indicator_id)
        if entry is None:
            continue
        row: dict[str, list] = {}
        if value.indicator.has_plan:
            plan, plan_typed = _converted(sub, value, entry.plan, entry.plan_unit, rate)
        else:
            plan, plan_typed = value.plan, _typed(value, "plan")
        actual, actual_typed = _converted(
            sub, value, entry.actual, entry.actual_unit, rate
        )
        typed = {"plan": plan_typed, "actual": actual_typed}
        for field, new, lock in (
            ("plan", plan, locks.plans),
            ("actual", entry.actual if actual is None else actual, locks.values),
            ("text", entry.text, locks.values),
            ("note", entry.note, locks.values),
        ):
            old = getattr(value, field)
            same = old == new or (old in ("", None) and new in ("", None))
            if field in typed:
                old_typed, new_typed = _typed(value, field), typed[field]
                # The figure saved again in the indicator's unit keeps what
                # was first typed; a figure typed anew replaces it.
                if same and (new_typed[1] == "" or old_typed == new_typed):
                    continue
                if lock:
                    raise ValidationError(lock)
                if old_typed != new_typed:
                    setattr(value, f"{field}_entered", new_typed[0])
                    setattr(value, f"{field}_entered_unit", new_typed[1])
                    row[f"{field}_entered"] = [
                        typed_text(old_typed),
                        typed_text(new_typed),
                    ]
                if same:
                    continue
            elif same:
                continue
            if lock:
                raise ValidationError(lock)
            if isinstance(new, Decimal):
                _check_range(value.indicator, new)
            setattr(value, field, new)
            row[field] = [
                _fmt(old) if isinstance(old, Decimal) else old,
                _fmt(new) if isinstance(new, Decimal) else new,
            ]
        if row:
            changes[value.indicator.code] = row
            changed_rows[_written(row)].append(value)
    for rows in changed_rows.values():
        for value in rows:
            value.full_clean(exclude=["submission", "indicator"])
    for names, rows in changed_rows.items():
        values_update(rows, names)
    if award_target is not None and award_target != sub.award_target:
        if locks.plans:
            raise ValidationError(locks.plans)
        changes["award_target"] = [sub.award_target, award_target]
        sub.award_target = award_target
    return changes


def _written(row: dict) -> tuple[str, ...]:
    """The columns a value's changes (``_apply``'s row) write: each changed
    field, and beside a figure as typed its unit."""
    names = []
    for key in row:
        names.append(key)
        if key.endswith("_entered"):
            names.append(f"{key}_unit")
    return tuple(sorted(names))


def values_update(values: list[Value], names: tuple[str, ...]) -> None:
    """Write the fields ``names`` of many values with one prepared statement
    run for each (bulk_update's CASE expressions cost seconds per thousand
    rows to build, and a quarter of a draft's save for one); each number is
    prepared for the database by its field."""
    if not values:
        return
    fields = [Value._meta.get_field(f) for f in names]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(Value._meta.db_table)} SET {sets} "  # noqa: S608
        f"WHERE {quote(Value._meta.pk.column)} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(v, f.attname), connection) for f in fields] + [v.pk]
        for v in values
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# The report's relations. The services below never change the bloc-year or
# the board, and set a user only to the acting one: ``full_clean`` would
# check each of them exists with a query of its own.
RELATIONS = ["bloc_year", "board", "registered_by", "submitted_by", "reviewed_by"]


def _bump(sub: Submission, actor: User, action: str, changes: dict) -> Submission:
    sub.version += 1
    # The fields' own checks (choices, lengths). Not the constraints: they
    # concern the pair (bloc-year, board), which these services never change,
    # and a return's reason, which only the review sets; the database
    # enforces both. Checking them cost 9 queries of a save's 21.
    sub.full_clean(exclude=RELATIONS, validate_constraints=False)
    sub.save()
    audit_record(actor=actor, action=action, obj=sub, changes=changes)
    return sub


@transaction.atomic
def submission_save(
    *,
    submission: Submission,
    actor: User,
    expected_version: int,
    entries: dict[int, Entry],
    award_target: str | None = None,
) -> Submission:
    """Save a draft: whatever the locks allow, nothing if the form was stale."""
    sub = _lock_for_update(submission, actor, expected_version)
    changes = _apply(sub, actor, entries, award_target, submission_locks(sub))
    if not changes:
        return sub
    return _bump(sub, actor, "submission.save", changes)


@transaction.atomic
def submission_register(
    *,
    submission: Submission,
    actor: User,
    expected_version: int,
    entries: dict[int, Entry],
    award_target: str,
) -> Submission:
    """Register the year's plan (đăng ký thi đua): every planned indicator
    needs a plan value, before the registration deadline."""
    sub = _lock_for_update(submission, actor, expected_version)
    locks = submission_locks(sub)
    if locks.plans:
        raise ValidationError(locks.plans)
    changes = _apply(sub, actor, entries, award_target, locks)
    missing = [
        v.indicator.name
        for v in _values_in_order(sub)
        if v.indicator.has_plan and v.plan is None
    ]
    if missing:
        raise ValidationError(
            _("Enter a plan for every planned indicator: %(names)s."),
            params={"names": "; ".join(missing)},
        )
    sub.registered_at, sub.registered_by = timezone.now(), actor
    changes["registered"] = [None, timezone.localtime(sub.registered_at).isoformat()]
    return _bump(sub, actor, "submission.register", changes)


def last_year_values(submission: Submission) -> dict[str, Decimal | None]:
    """The board's approved figures of the previous year, by indicator code,
    whichever bloc it was in then."""
    rows = Value.objects.filter(
        submission__board=submission.board_id,
        submission__bloc_year__year=submission.bloc_year.year - 1,
        submission__status=S.APPROVED,
    )
    # Unordered: a dict needs no order, and the default one joins the
    # bloc-year, the bloc and the board to sort by them.
    return dict(rows.order_by().values_list("indicator__code", "actual"))


def submission_findings(
    submission: Submission,
    *,
    values: list[Value] | None = None,
    last_year: dict[str, Decimal | None] | None = None,
) -> list[calc.Finding]:
    """The validation rules a submission's current figures break; ``values``
    (with their indicators) and ``last_year`` when already read."""
    if values is None:
        values = _values_in_order(submission)
    if last_year is None:
        last_year = last_year_values(submission)
    actual = {v.indicator.code: v.actual for v in values if v.indicator.is_numeric}
    plan = {v.indicator.code: v.plan for v in values if v.indicator.has_plan}
    rules = [
        r.as_rule() for r in submission.bloc_year.validation_rules.filter(active=True)
    ]
    return calc.evaluate(rules, actual, plan, last_year)


def warnings_unexplained(
    findings: list[calc.Finding], *, notes: dict[str, str], names: dict[str, str]
) -> list[str]:
    """One line per warning without a note: the indicators it names, by the
    names the board reads in its form (never their codes), then the rule's
    own message, which says what to do; each rule once, whatever the number
    of indicators it names ("… (new-projects-fdi): add a note to explain."
    told the board neither which row nor anything the rule had not said)."""
    by_rule: dict[str, list[str]] = {}
    for finding in findings:
        if finding.is_error or any(notes.get(c, "").strip() for c in finding.codes):
            continue
        named = by_rule.setdefault(finding.rule.message, [])
        for code in finding.codes:
            name = names.get(code, code)
            if name not in named:
                named.append(name)
    lines = [
        _("%(indicators)s: %(rule)s")
        % {"indicators": "; ".join(named), "rule": message}
        for message, named in by_rule.items()
    ]
    if lines:
        # Said once for all warnings, not after each of them.
        lines.append(_("A note on an indicator named above clears its warning."))
    return lines


@transaction.atomic
def submission_submit(
    *,
    submission: Submission,
    actor: User,
    expected_version: int,
    entries: dict[int, Entry] | None = None,
    award_target: str | None = None,
    empty_confirmed: bool = True,
    submitted_at: dt.datetime | None = None,
) -> Submission:
    """Save the entries and submit, or change nothing at all: a broken
    blocking rule, or a warning without a note, refuses the whole request.
    With ``empty_confirmed`` False (the board's page until the officer
    confirms), empty results refuse it too, naming them (EmptyResultsError).
    ``submitted_at``, for a year recorded after the fact, is the date the
    report bore on paper: deadlines are measured against it, not today."""
    sub = _lock_for_update(submission, actor, expected_version)
    if sub.status not in (S.DRAFT, S.RETURNED):
        raise ValidationError(
            _("This report is %(status)s: it cannot be submitted again."),
            params={"status": sub.get_status_display().lower()},
        )
    stated_date_check(bloc_year=sub.bloc_year, stated=submitted_at)
    locks = submission_locks(
        sub, today=timezone.localdate(submitted_at) if submitted_at else None
    )
    if locks.values:
        raise ValidationError(locks.values)
    # Read once under the lock; _apply writes the entries into them.
    values = _values_in_order(sub)
    changes = _apply(sub, actor, entries or {}, award_target, locks, values)
    last_year = last_year_values(sub)
    findings = submission_findings(sub, values=values, last_year=last_year)
    notes = {v.indicator.code: v.note for v in values}
    names = {v.indicator.code: v.indicator.name for v in values}
    problems = [f.rule.message for f in findings if f.is_error]
    problems += warnings_unexplained(findings, notes=notes, names=names)
    unusual = [
        o
        for o in submission_outliers(sub, last_year)
        if not notes.get(o.code, "").strip()
    ]
    if unusual:
        problems += [
            outlier_message(o, names.get(o.code, o.code))
            + " "
            + _("If it is right, add a note to confirm it.")
            for o in unusual
        ]
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))
    if not empty_confirmed:
        empty = submission_empty_results(sub, values=values)
        if empty:
            raise EmptyResultsError(empty)
    old = sub.status
    sub.status = S.SUBMITTED
    sub.submitted_at, sub.submitted_by = submitted_at or timezone.now(), actor
    sub.values.filter(flagged=True).update(flagged=False)
    changes["status"] = [old, S.SUBMITTED]
    return _bump(sub, actor, "submission.submit", changes)
