"""Plans and results in the admin: read here, changed only by importing a
spreadsheet (the boards' own form is the other way in), exported for the
secretariat and the ministry. Registered by pledges/admin/__init__.py."""

import logging
import os
import tempfile
from dataclasses import dataclass

from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from blocs.admin import BlocYearFilter, ScopedAdmin
from blocs.permissions import is_secretariat, sees_everything
from blocs.templatetags.vn import figure
from pledges.importexport import (
    TEMPLATE_HELP,
    ValueConfirmResource,
    ValueResource,
    bloc_years_for_import,
    import_template,
)
from pledges.models import Value
from pledges.permissions import submissions_visible_to
from pledges.services.importing import import_file_check

logger = logging.getLogger(__name__)
# How long a previewed file waits for its confirmation.
IMPORT_FILE_MAX_AGE = 2 * 60 * 60


def slugify_name(name: str) -> str:
    """A file name safe in a header: ASCII letters, digits, dot and dash."""
    return "".join(
        c if c.isascii() and (c.isalnum() or c in ".-") else "-" for c in name
    )


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


@dataclass(frozen=True)
class ImportPreview:
    """What the preview of a valid file shows: the counts of the whole file
    and its first changed rows (``PREVIEW_ROWS``, which the resource gave
    cells to); a refused file lists every refused row instead."""

    rows: int
    changed: int
    reports: int
    unchanged: int
    blank: int
    shown: list
    hidden: int


def import_preview(result) -> ImportPreview:
    changed = [row for row in result.rows if row.is_update()]
    skipped = [row for row in result.rows if row.is_skip()]
    shown = [row for row in changed if row.diff is not None]
    blank = sum(1 for row in skipped if row.instance is None)
    return ImportPreview(
        rows=result.total_rows,
        changed=len(changed),
        reports=len({row.instance.submission_id for row in changed}),
        unchanged=len(skipped) - blank,
        blank=blank,
        shown=shown,
        hidden=len(changed) - len(shown),
    )


class ValueImportForm(ImportForm):
    """The upload step: the file's limits are checked before it is parsed."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean(self):
        cleaned = super().clean()
        upload, index = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or index in (None, ""):
            return cleaned
        input_format = self.formats[int(index)]()
        try:
            import_file_check(upload=upload, binary=input_format.is_binary())
        except ValidationError as error:
            self.add_error("import_file", error)
        return cleaned


def _import_file_signer(user) -> signing.TimestampSigner:
    # Salted with the user: a name signed for one user is refused for another.
    return signing.TimestampSigner(salt=f"pledges.import.{user.pk}")


class ValueConfirmImportForm(ConfirmImportForm):
    """The confirm step names the previewed file by a name signed for the
    user who uploaded it: a made-up, expired or other user's name is refused
    with a message, and no other file of the server is ever read."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_import_file_name(self):
        token = self.cleaned_data["import_file_name"]
        try:
            name = _import_file_signer(self.user).unsign(
                token, max_age=IMPORT_FILE_MAX_AGE
            )
        except signing.BadSignature as error:
            raise ValidationError(
                _("This import is not yours or has expired: upload the file again.")
            ) from error
        if os.path.basename(name) != name or not os.path.isfile(
            os.path.join(tempfile.gettempdir(), name)
        ):
            raise ValidationError(
                _("The previewed file is no longer here: upload the file again.")
            )
        return name


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
        return figure(obj.plan, obj.indicator.kind)

    @admin.display(description=gettext_lazy("actual"), ordering="actual")
    def actual_display(self, obj):
        return figure(obj.actual, obj.indicator.kind)

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

    import_form_class = ValueImportForm
    confirm_form_class = ValueConfirmImportForm
    # The library's page shows each error's traceback; ours shows messages.
    import_template_name = "admin/pledges/value/import.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_template_view)
        return [
            path(
                "import-template/<int:bloc_year_id>/",
                view,
                name="pledges_value_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, bloc_year_id):
        """The year's XLSX to fill in and import (see ``import_template``)."""
        if not self.has_import_permission(request):
            raise Http404
        bloc_year = get_object_or_404(
            bloc_years_for_import(request.user), pk=bloc_year_id
        )
        response = HttpResponse(
            import_template(bloc_year=bloc_year, user=request.user),
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        name = f"import-{bloc_year.bloc.short_name}-{bloc_year.year}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{slugify_name(name)}"'
        return response

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if getattr(response, "context_data", None) is not None:
            # Next to the upload: a template per year to start from, and
            # what each column means.
            response.context_data["template_years"] = list(
                bloc_years_for_import(request.user)
            )
            response.context_data["column_help"] = list(TEMPLATE_HELP.items())
            if "confirm_form" in response.context_data:
                response.context_data["preview"] = import_preview(
                    response.context_data["result"]
                )
        return response

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def choose_import_resource_class(self, form, request):
        if isinstance(form, ConfirmImportForm):
            return ValueConfirmResource
        return super().choose_import_resource_class(form, request)

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "user": request.user,
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if "import_file_name" in initial:
            # Only the bare name: the storage keeps files in the temp folder.
            name = os.path.basename(initial["import_file_name"])
            initial["import_file_name"] = _import_file_signer(request.user).sign(name)
        return initial

    def process_import(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_confirm_form(request)
            if not form.is_valid():
                problems = [m for errors in form.errors.values() for m in errors]
                messages.error(request, " ".join(problems))
                return HttpResponseRedirect(
                    reverse(
                        "admin:pledges_value_import", current_app=self.admin_site.name
                    )
                )
        return super().process_import(request, **kwargs)

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
