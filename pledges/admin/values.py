"""Plans and results in the admin: read here, changed only by importing a
spreadsheet (the boards' own form is the other way in), exported for the
secretariat and the ministry. Registered by pledges/admin/__init__.py."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from blocs.admin import BlocYearFilter, ScopedAdmin
from blocs.permissions import is_secretariat, sees_everything
from blocs.templatetags.vn import num
from pledges.importexport import ValueResource
from pledges.models import Value
from pledges.permissions import submissions_visible_to


def values_visible_to(user):
    return Value.objects.filter(submission__in=submissions_visible_to(user))


def _messages(error) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def import_problem(result) -> str | None:
    """Why a confirmed import wrote nothing, in one line (None: it did)."""
    for row in result.invalid_rows:
        text = " ".join(
            message for messages_ in row.error_dict.values() for message in messages_
        )
        return _(
            "Nothing was imported: row %(row)s: %(error)s Correct the file and "
            "import it again."
        ) % {"row": row.number, "error": text}
    for number, errors in result.row_errors():
        return _(
            "Nothing was imported: row %(row)s: %(error)s Correct the file and "
            "import it again."
        ) % {"row": number, "error": _messages(errors[0].error)}
    for error in result.base_errors:
        return _("Nothing was imported: %(error)s") % {"error": _messages(error.error)}
    return None


@admin.register(Value)
class ValueAdmin(ImportExportMixin, ScopedAdmin):
    scope = staticmethod(values_visible_to)
    resource_classes = [ValueResource]
    formats = [CSV, XLSX]
    # The whole row always: a file with columns left out could not come back.
    export_form_class = ExportForm
    # The audit trail is the reports' AuditEvents (one per report and import),
    # not a LogEntry per row.
    skip_admin_log = True
    list_display = ["board", "indicator", "plan_display", "actual_display", "year"]
    list_filter = [
        ("submission__bloc_year", BlocYearFilter),
        "indicator__group",
    ]
    list_select_related = [
        "submission__board",
        "submission__bloc_year__bloc",
        "indicator",
    ]
    search_fields = ["submission__board__short_name", "indicator__code"]
    ordering = [
        "submission__bloc_year__bloc__short_name",
        "submission__bloc_year__year",
        "submission__board__short_name",
        "indicator__order",
        "indicator__code",
    ]

    @admin.display(
        description=gettext_lazy("board"), ordering="submission__board__short_name"
    )
    def board(self, obj):
        return obj.submission.board.short_name

    @admin.display(description=gettext_lazy("plan (KH)"), ordering="plan")
    def plan_display(self, obj):
        return num(obj.plan)

    @admin.display(description=gettext_lazy("actual"), ordering="actual")
    def actual_display(self, obj):
        return num(obj.actual)

    @admin.display(description=gettext_lazy("bloc year"))
    def year(self, obj):
        return obj.submission.bloc_year

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or is_secretariat(user))

    def has_export_permission(self, request):
        user = request.user
        return user.is_active and (sees_everything(user) or is_secretariat(user))

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def process_result(self, result, request):
        # The confirm step imports the file again: if a row has become
        # invalid since the preview, nothing is written and nothing claimed.
        problem = import_problem(result)
        if problem:
            messages.error(request, problem)
            return HttpResponseRedirect(
                reverse("admin:pledges_value_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        changed = [row for row in result.rows if row.is_update()]
        reports = {row.instance.submission_id for row in changed if row.instance}
        messages.success(
            request,
            _(
                "Import finished. Values changed: %(changed)d, in reports: "
                "%(reports)d; rows unchanged: %(unchanged)d."
            )
            % {
                "changed": len(changed),
                "reports": len(reports),
                "unchanged": result.totals["skip"],
            },
        )
