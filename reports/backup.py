"""Backup and restore of one bloc-year as a JSON document with its ids.

The document holds every row of the year (memberships, catalogue and rules,
pledge and signatures, reports, values, evidence metadata, scale, criteria,
assessments, scores, rounds, candidates, ballots, publications) and the audit
events of those rows, serialized by Django with their primary keys, plus the
rows they point to outside the year (ministry, bloc, boards, users) as
context. Restoring keeps the ids, so the audit trail and every link stay
exact: it fills an empty database, or the place of a deleted bloc-year, and
refuses ids already taken by other rows. Uploaded files and archived PDFs
are not in the document: back up the storage (MEDIA_ROOT) beside it.
"""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from blocs.models import AuditEvent, Bloc, BlocYear, Board, Membership, Ministry, User
from blocs.roles import group_for_role
from pledges.models import (
    Commitment,
    Evidence,
    Indicator,
    Pledge,
    Signature,
    Submission,
    ValidationRule,
    Value,
)
from reports import cache
from reports.models import Achievement, DocumentNumber, Publication, YearSections
from scoring.models import (
    Assessment,
    Ballot,
    BallotCast,
    Candidate,
    Criterion,
    Score,
    ScoringScale,
    VotingRound,
)

FORMAT = 1
# Rows outside the year that its rows point to, matched on restore by id and
# checked by their natural key; never changed by a restore.
CONTEXT: dict[type[models.Model], str] = {
    Ministry: "short_name",
    Bloc: "short_name",
    Board: "short_name",
    User: "username",
}
USER_FIELDS = [
    f.name
    for f in User._meta.concrete_fields
    if not f.primary_key and f.name not in ("groups", "user_permissions")
]


def _year_rows(bloc_year: BlocYear) -> list[tuple[type[models.Model], models.QuerySet]]:
    """The year's own rows, parents before children (the order of a restore;
    a deletion runs it backwards)."""
    by = bloc_year
    return [
        (BlocYear, BlocYear.objects.filter(pk=by.pk)),
        (Membership, Membership.objects.filter(bloc_year=by)),
        (Indicator, Indicator.objects.filter(bloc_year=by)),
        (ValidationRule, ValidationRule.objects.filter(bloc_year=by)),
        (Pledge, Pledge.objects.filter(bloc_year=by)),
        (Commitment, Commitment.objects.filter(pledge__bloc_year=by)),
        (Signature, Signature.objects.filter(pledge__bloc_year=by)),
        (Submission, Submission.objects.filter(bloc_year=by)),
        (Value, Value.objects.filter(submission__bloc_year=by)),
        (Evidence, Evidence.objects.filter(submission__bloc_year=by)),
        (ScoringScale, ScoringScale.objects.filter(bloc_year=by)),
        (Criterion, Criterion.objects.filter(scale__bloc_year=by)),
        (Assessment, Assessment.objects.filter(criterion__scale__bloc_year=by)),
        (Score, Score.objects.filter(bloc_year=by)),
        (VotingRound, VotingRound.objects.filter(bloc_year=by)),
        (Candidate, Candidate.objects.filter(round__bloc_year=by)),
        (BallotCast, BallotCast.objects.filter(round__bloc_year=by)),
        (Ballot, Ballot.objects.filter(round__bloc_year=by)),
        (Publication, Publication.objects.filter(bloc_year=by)),
        (YearSections, YearSections.objects.filter(bloc_year=by)),
        (Achievement, Achievement.objects.filter(sections__bloc_year=by)),
        (DocumentNumber, DocumentNumber.objects.filter(bloc_year=by)),
    ]


def _audit_events(rows: dict[type[models.Model], list[int]]) -> models.QuerySet:
    query = models.Q(pk__in=[])
    for model, pks in rows.items():
        if pks:
            query |= models.Q(
                object_type=model._meta.label_lower,
                object_id__in=[str(pk) for pk in pks],
            )
    return AuditEvent.objects.filter(query)


def _serialize(objects: Iterable[models.Model], **kwargs) -> list[dict]:
    return serializers.serialize("python", objects, **kwargs)


def _context(objects: list[models.Model]) -> dict[type[models.Model], set[int]]:
    """The context rows the year's rows point to, and those they point to."""
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    todo = list(objects)
    while todo:
        obj = todo.pop()
        for field in obj._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target not in CONTEXT:
                continue
            pk = getattr(obj, field.attname)
            if pk is None or pk in wanted[target]:
                continue
            wanted[target].add(pk)
            todo.append(target.objects.get(pk=pk))
    return wanted


def _find(bloc: str, year: int) -> BlocYear:
    bloc_year = BlocYear.objects.filter(bloc__short_name=bloc, year=year).first()
    if bloc_year is None:
        raise ValidationError(
            _("There is no year %(year)s of the bloc %(bloc)s."),
            params={"bloc": bloc, "year": year},
        )
    return bloc_year


def year_dump(*, bloc: str, year: int) -> dict[str, Any]:
    """The document of one bloc-year: the same data gives the same document."""
    bloc_year = _find(bloc, year)
    objects: list[dict] = []
    rows: dict[type[models.Model], list[int]] = {}
    instances: list[models.Model] = []
    for model, queryset in _year_rows(bloc_year):
        found = list(queryset.order_by("pk"))
        rows[model] = [o.pk for o in found]
        instances += found
        objects += _serialize(found)
    events = list(_audit_events(rows).order_by("pk"))
    instances += events
    objects += _serialize(events)
    context = []
    for model, pks in sorted(
        _context(instances).items(), key=lambda item: list(CONTEXT).index(item[0])
    ):
        found = model.objects.filter(pk__in=pks).order_by("pk")
        extra = {"fields": USER_FIELDS} if model is User else {}
        context += _serialize(found, **extra)
    return {
        "format": FORMAT,
        "bloc": bloc,
        "year": year,
        "context": context,
        "objects": objects,
    }


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to
    milliseconds, and a restore must give back the same instants)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def year_dumps(document: dict[str, Any]) -> str:
    return json.dumps(
        document, cls=_Encoder, ensure_ascii=False, indent=1, sort_keys=True
    )


@transaction.atomic
def year_delete(*, bloc_year: BlocYear) -> int:
    """Delete a bloc-year with every row of it and their audit events (the
    context rows stay). Returns how many rows went."""
    plan = _year_rows(bloc_year)
    rows = {model: list(qs.values_list("pk", flat=True)) for model, qs in plan}
    deleted, _by_model = _audit_events(rows).delete()
    for model, queryset in reversed(plan):
        if model is Criterion:  # children before their groups
            count = 0
            while queryset.exists():
                count += queryset.filter(children__isnull=True).delete()[0]
            deleted += count
            continue
        deleted += queryset.delete()[0]
    # The year's audit events went with it: the pages' data version may not move.
    transaction.on_commit(cache.pages_forget)
    return deleted


def _check_context(rows: list) -> list[models.Model]:
    """The context rows to create; refuses an id that holds another row."""
    missing = []
    for row in rows:
        obj = row.object
        key = CONTEXT[type(obj)]
        existing = type(obj).objects.filter(pk=obj.pk).first()
        if existing is None:
            missing.append(obj)
        elif getattr(existing, key) != getattr(obj, key):
            raise ValidationError(
                _(
                    "The %(model)s with id %(id)s is “%(here)s” here but “%(there)s” "
                    "in the backup: restore into an empty database or the one it "
                    "came from."
                ),
                params={
                    "model": obj._meta.verbose_name,
                    "id": obj.pk,
                    "here": getattr(existing, key),
                    "there": getattr(obj, key),
                },
            )
    return missing


@transaction.atomic
def year_restore(*, document: dict[str, Any], replace: bool = False) -> int:
    """Put a bloc-year back from its document, with the same ids. An existing
    year is refused unless ``replace``; then it is deleted first. Returns how
    many rows of the year were written."""
    if document.get("format") != FORMAT:
        raise ValidationError(_("This file is not a bloc-year backup of this portal."))
    existing = BlocYear.objects.filter(
        bloc__short_name=document["bloc"], year=document["year"]
    ).first()
    if existing is not None:
        if not replace:
            raise ValidationError(
                _(
                    "The bloc-year %(year)s already exists: delete it first or "
                    "restore with --replace."
                ),
                params={"year": existing},
            )
        year_delete(bloc_year=existing)
    context = list(serializers.deserialize("python", document["context"]))
    for obj in _check_context(context):
        obj.save_base(raw=True, force_insert=True)
        if isinstance(obj, User):
            group = group_for_role(obj.role)
            if group is not None:
                obj.groups.add(group)
    rows = list(serializers.deserialize("python", document["objects"]))
    taken = defaultdict(list)
    by_model = defaultdict(list)
    for row in rows:
        by_model[type(row.object)].append(row.object.pk)
    for model, pks in by_model.items():
        taken[model] = list(
            model.objects.filter(pk__in=pks).values_list("pk", flat=True)[:5]
        )
    clashes = {m._meta.label: pks for m, pks in taken.items() if pks}
    if clashes:
        raise ValidationError(
            _(
                "Ids of the backup are used by other rows here (%(ids)s): restore "
                "into an empty database or the one the backup came from."
            ),
            params={"ids": json.dumps(clashes)},
        )
    for row in rows:
        row.object.save_base(raw=True, force_insert=True)
    models_written = [*CONTEXT, *by_model]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
            cursor.execute(sql)
    # Old audit ids come back: the pages' data version may not move.
    transaction.on_commit(cache.pages_forget)
    return len(rows)
