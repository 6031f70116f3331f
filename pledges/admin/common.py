"""Helpers shared by the pledges admin modules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from blocs.admin import ScopedAdmin
from blocs.models import BlocYear
from blocs.permissions import bloc_years_visible_to
from pledges import permissions


def report_done(modeladmin, request, done: int, message: str):
    """``message`` comes from an ngettext call at the caller, where
    makemessages can see its literal strings."""
    if done:
        modeladmin.message_user(request, message % {"count": done})


def run_each(modeladmin, request, objects, call) -> int:
    """Call a service per object; show its refusal as an error, go on."""
    done = 0
    for obj in objects:
        try:
            call(obj)
        except (ValidationError, PermissionDenied) as error:
            text = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else _("%(obj)s: you may not do this.") % {"obj": obj}
            )
            modeladmin.message_user(request, text, messages.ERROR)
        else:
            done += 1
    return done


class YearScopedAdmin(ScopedAdmin):
    """Rows that belong to one bloc-year: editable by that year's secretariat
    while the year is open."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bloc_year":
            # Only years that can still change: a closed year is offered
            # nowhere, so a form never gets as far as the service's refusal.
            kwargs["queryset"] = (
                bloc_years_visible_to(request.user)
                .exclude(status=BlocYear.Status.CLOSED)
                .select_related("bloc")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_manage_year(request.user, obj.bloc_year)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_manage_year(request.user, obj.bloc_year)
