from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import BlocYearFilter, ScopedAdmin, year_plain
from blocs.permissions import bloc_years_visible_to, is_secretariat
from pledges.admin.common import report_done, run_each
from reports import services
from reports.models import (
    Achievement,
    DocumentYear,
    LegalBasis,
    Publication,
    YearSections,
)
from reports.permissions import can_publish, publications_visible_to


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    """Dated legal texts: kept by the portal's administrators for every bloc."""

    list_display = ["citation", "valid_from", "valid_until", "order"]
    search_fields = ["citation"]
    list_filter = ["valid_from"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Publication)
class PublicationAdmin(ScopedAdmin):
    """The archive: read-only; publishing happens on the years' documents."""

    scope = staticmethod(publications_visible_to)
    list_display = [
        "__str__",
        "kind",
        "version",
        "code",
        "published_at",
        "published_by",
        "pdf",
    ]
    list_filter = ["kind", ("bloc_year", BlocYearFilter)]
    search_fields = ["code", "sha256", "bloc_year__bloc__name"]
    list_select_related = ["bloc_year__bloc", "published_by"]
    readonly_fields = [
        "bloc_year",
        "kind",
        "version",
        "code",
        "sha256",
        "size",
        "published_by",
        "published_at",
        "pdf",
    ]
    fields = readonly_fields

    @admin.display(description=_("file"))
    def pdf(self, obj):
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">{}</a>',
            reverse("reports:download", args=[obj.pk]),
            reverse("reports:year_documents", args=[obj.bloc_year_id]),
            _("documents of the year"),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _publish_action(kind: str, label):
    """An admin action publishing one kind of document for each chosen year."""

    def action(modeladmin, request, queryset):
        done = run_each(
            modeladmin,
            request,
            queryset,
            lambda year: services.document_publish(
                bloc_year=year, kind=kind, actor=request.user
            ),
        )
        report_done(
            modeladmin,
            request,
            done,
            ngettext(
                "%(count)d document published as a new version.",
                "%(count)d documents published as new versions.",
                done,
            ),
        )

    action.__name__ = f"publish_{kind}"
    return admin.action(description=label, permissions=["publish"])(action)


@admin.register(DocumentYear)
class DocumentYearAdmin(ScopedAdmin):
    """Each year's four documents: the latest published versions, an HTML
    preview and a draft PDF, and actions that publish a new version."""

    scope = staticmethod(bloc_years_visible_to)
    list_display = ["__str__", year_plain, "status", "published", "tools"]
    list_filter = ["status", "year"]
    search_fields = ["bloc__name", "bloc__short_name"]
    actions = [
        _publish_action(Publication.Kind.PLEDGE, _("Publish the pledge")),
        _publish_action(Publication.Kind.SUMMARY, _("Publish the summary report")),
        _publish_action(Publication.Kind.MINUTES, _("Publish the minutes of the vote")),
        _publish_action(
            Publication.Kind.NOMINATION, _("Publish the nomination submission")
        ),
    ]

    def get_queryset(self, request):
        latest_first = Publication.objects.order_by("kind", "-version")
        return (
            DocumentYear.objects.filter(
                pk__in=bloc_years_visible_to(request.user).values("pk")
            )
            .select_related("bloc")
            .prefetch_related(Prefetch("publications", queryset=latest_first))
            .order_by("-year", "bloc__name")
        )

    def get_list_display(self, request):
        if self.has_publish_permission(request):
            return self.list_display
        return [name for name in self.list_display if name != "tools"]

    @admin.display(description=_("published documents"))
    def published(self, obj):
        latest = {}
        for publication in obj.publications.all():
            latest.setdefault(publication.kind, publication)
        if not latest:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> v{}',
            (
                (
                    reverse("reports:download", args=[p.pk]),
                    p.get_kind_display(),
                    p.version,
                )
                for kind in Publication.Kind.values
                if (p := latest.get(kind))
            ),
        )

    @admin.display(description=_("preview and draft"))
    def tools(self, obj):
        links = format_html_join(
            mark_safe("<br>"),
            '{}: <a href="{}">{}</a> · <a href="{}">{}</a>',
            (
                (
                    label,
                    reverse("reports:preview", args=[obj.pk, kind]),
                    _("HTML preview"),
                    reverse("reports:draft", args=[obj.pk, kind]),
                    _("draft PDF"),
                )
                for kind, label in Publication.Kind.choices
            ),
        )
        return format_html(
            '{}<br><a href="{}?bloc_year__id__exact={}">{}</a>',
            links,
            reverse("admin:reports_yearsections_changelist"),
            obj.pk,
            _("Write the sections"),
        )

    def has_publish_permission(self, request):
        return request.user.is_superuser or is_secretariat(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AchievementInline(admin.StackedInline):
    """The nominees' achievement summaries printed in the submission."""

    model = Achievement
    fields = ["board", "text"]
    autocomplete_fields = ["board"]
    extra = 0

    def has_change_permission(self, request, obj=None):
        return obj is None or can_publish(request.user, obj.bloc_year)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(YearSections)
class YearSectionsAdmin(ScopedAdmin):
    """What the secretariat writes for its year's documents, beside a live
    preview of the document it goes into. Each save goes through the
    service (audited); published versions keep the text they printed."""

    change_form_template = "admin/reports/yearsections/change_form.html"
    list_display = ["__str__", "updated_at"]
    list_filter = [("bloc_year", BlocYearFilter)]
    list_select_related = ["bloc_year__bloc"]
    search_fields = ["bloc_year__bloc__name", "bloc_year__bloc__short_name"]
    inlines = [AchievementInline]
    fieldsets = [
        (None, {"fields": ["bloc_year", "illustrative"]}),
        (
            _("Summary report"),
            {"fields": ["results", "shortcomings", "lessons", "directions"]},
        ),
        (
            _("Minutes of the vote"),
            {
                "fields": [
                    ("start_time", "end_time"),
                    "participants",
                    "guests",
                    "secretary",
                    "counting_team",
                    "discussion",
                ]
            },
        ),
        (_("Nomination submission"), {"fields": ["proposal"]}),
    ]

    @staticmethod
    def scope(user):
        return YearSections.objects.filter(
            bloc_year__in=bloc_years_visible_to(user)
        ).select_related("bloc_year__bloc")

    def get_readonly_fields(self, request, obj=None):
        return ["bloc_year"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bloc_year":
            years = bloc_years_visible_to(request.user)
            if not request.user.is_superuser:
                years = years.filter(bloc=request.user.bloc_id)
            kwargs["queryset"] = years.select_related("bloc")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.is_superuser or is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return can_publish(request.user, obj.bloc_year)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in services.SECTION_FIELDS
            if name in form.cleaned_data
        }
        saved = services.sections_save(
            bloc_year=obj.bloc_year, actor=request.user, **fields
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        # The admin's change message reads these; the service does the saving.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        for inline in formset.forms:
            data = inline.cleaned_data
            if not data or not data.get("board"):
                continue
            if data.get("DELETE") and inline.instance.pk:
                inline.instance.delete()
                continue
            services.achievement_set(
                bloc_year=form.instance.bloc_year,
                board=data["board"],
                text=data["text"],
                actor=request.user,
            )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["previews"] = [
                (label, reverse("reports:preview", args=[obj.bloc_year_id, kind]))
                for kind, label in Publication.Kind.choices
                if kind != Publication.Kind.PLEDGE
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
