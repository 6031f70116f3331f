"""Helpers shared by the scoring admin modules."""

from blocs.permissions import is_secretariat
from blocs.services import audit_record


class RunScoringMixin:
    """Actions and pages that run the year's scoring: offered to secretariats
    and superusers; each object is then checked by the service itself
    (``can_run_scoring``: the year's own secretariat, while it is open)."""

    def has_run_permission(self, request) -> bool:
        return request.user.is_superuser or is_secretariat(request.user)


def cache_choices(formset, name: str, queryset) -> None:
    """Give a formset's select one list of choices, read once, instead of one
    query per row."""
    field = formset.form.base_fields.get(name)
    if field is not None:
        field.queryset = queryset
        field.choices = list(field.choices)


def changes_of(form) -> dict[str, list[str]]:
    """{field: [old, new]} of a bound, valid form, for the audit trail."""
    return {
        name: [str(form.initial.get(name)), str(form.cleaned_data.get(name))]
        for name in form.changed_data
        if name not in ("id", "DELETE")
    }


def record_inline_changes(request, parent, formset, action: str) -> None:
    """Audit what an inline changed under ``parent``: rows added, changed
    (field by field) and deleted, named by their ``str``."""
    changes = {
        "added": [str(o) for o in formset.new_objects],
        "changed": {
            str(form.instance): changes_of(form)
            for form in formset.forms
            if form.instance.pk
            and form.has_changed()
            and form.instance not in formset.deleted_objects
            and form not in formset.extra_forms
        },
        "deleted": [str(o) for o in formset.deleted_objects],
    }
    if any(changes.values()):
        audit_record(actor=request.user, action=action, obj=parent, changes=changes)
