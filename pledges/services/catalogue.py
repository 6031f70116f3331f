"""Edits of a year's indicator catalogue and validation rules, one at a time
(the admin's forms): checked, saved and audited in one transaction, like
every other change. Copying a whole catalogue is ``indicators_copy``."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from blocs.models import BlocYear, User
from blocs.services import audit_record
from pledges.models import Indicator, ValidationRule
from pledges.permissions import can_manage_year
from pledges.services.setup import INDICATOR_FIELDS, RULE_FIELDS

RULE_AUDITED = [*RULE_FIELDS, "active"]


def _json(value):
    """A field's value as the audit trail's JSON keeps it."""
    return str(value) if isinstance(value, Decimal) else value


def _check_year(actor: User | None, bloc_year: BlocYear) -> None:
    if bloc_year.status == BlocYear.Status.CLOSED:
        raise ValidationError(_("A closed year cannot change."))
    if actor is not None and not can_manage_year(actor, bloc_year):
        raise PermissionDenied


def _save(obj: models.Model, actor: User | None, fields: list[str], name: str):
    model = type(obj)
    before = None
    if obj.pk is not None:
        before = (
            model.objects.select_for_update()
            .select_related("bloc_year")
            .filter(pk=obj.pk)
            .first()
        )
    if before is not None:
        _check_year(actor, before.bloc_year)
        if before.bloc_year_id != obj.bloc_year_id:
            raise ValidationError(
                _("It stays in its year: add it to the other year instead.")
            )
    _check_year(actor, obj.bloc_year)
    obj.full_clean()
    obj.save()
    if before is None:
        changes = {f: [None, _json(getattr(obj, f))] for f in fields}
        action = f"{name}.add"
    else:
        changes = {
            f: [_json(getattr(before, f)), _json(getattr(obj, f))]
            for f in fields
            if getattr(before, f) != getattr(obj, f)
        }
        action = f"{name}.change"
    if changes:
        audit_record(actor=actor, action=action, obj=obj, changes=changes)
    return obj


def _delete(obj: models.Model, actor: User | None, fields: list[str], name: str):
    obj = (
        type(obj).objects.select_for_update().select_related("bloc_year").get(pk=obj.pk)
    )
    _check_year(actor, obj.bloc_year)
    # The audit row names the year it belonged to: the object is gone.
    changes = {f: [_json(getattr(obj, f)), None] for f in fields}
    changes["bloc_year"] = [str(obj.bloc_year), None]
    audit_record(actor=actor, action=f"{name}.delete", obj=obj, changes=changes)
    obj.delete()


@transaction.atomic
def indicator_save(*, indicator: Indicator, actor: User | None) -> Indicator:
    """Add an indicator to its year's catalogue or change it, while the year
    is open; audited field by field (old and new values)."""
    return _save(indicator, actor, INDICATOR_FIELDS, "indicator")


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor: User | None) -> None:
    """Remove an indicator no board has a value for (values protect it)."""
    _delete(indicator, actor, INDICATOR_FIELDS, "indicator")


@transaction.atomic
def rule_save(*, rule: ValidationRule, actor: User | None) -> ValidationRule:
    """Add or change a validation rule; refused without a field its kind
    needs (``ValidationRule.clean``); audited field by field."""
    return _save(rule, actor, RULE_AUDITED, "rule")


@transaction.atomic
def rule_delete(*, rule: ValidationRule, actor: User | None) -> None:
    _delete(rule, actor, RULE_AUDITED, "rule")
