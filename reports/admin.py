from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import (
    BlocYearFilter,
    ScopedAdmin,
    YearAsLabelMixin,
    action_confirmation,
    year_plain,
)
from blocs.permissions import bloc_years_visible_to, is_secretariat
from pledges.admin.common import report_done, run_each
from reports import services
from reports.models import (
    Achievement,
    ApiToken,
    DocumentYear,
    LegalBasis,
    Publication,
    YearSections,
)
from reports.permissions import can_publish, publications_visible_to

MAX_SIGNED_COPY_BYTES = 20 * 1024 * 1024


class SignedCopyForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"),
        help_text=_(
            "The archived PDF as downloaded from the portal, signed by the "
            "official in the signing software of their certificate authority."
        ),
    )


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
        "signer",
        "signed_at",
        "certificate",
        "original",
        "pdf",
    ]
    fields = readonly_fields

    @admin.display(description=_("file"))
    def pdf(self, obj):
        links = format_html(
            '<a href="{}">PDF</a> · <a href="{}">{}</a>',
            reverse("reports:download", args=[obj.pk]),
            reverse("reports:year_documents", args=[obj.bloc_year_id]),
            _("documents of the year"),
        )
        return links

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "can_add_signed_copy": obj is not None
            and can_publish(request.user, obj.bloc_year),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/signed-copy/",
                wrap(self.signed_copy_view),
                name="reports_publication_signed_copy",
            ),
            *super().get_urls(),
        ]

    def signed_copy_view(self, request, pk):
        """Upload a copy signed outside the portal: archived as a new version
        linked to this one if its signature covers this version's bytes and
        is trusted, refused with the reason otherwise."""
        original = get_object_or_404(
            publications_visible_to(request.user).select_related("bloc_year__bloc"),
            pk=pk,
        )
        if not can_publish(request.user, original.bloc_year):
            raise PermissionDenied
        form = SignedCopyForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_SIGNED_COPY_BYTES:
                form.add_error("file", _("The file is too large."))
            else:
                try:
                    copy = services.publication_signed_copy_add(
                        original=original, content=upload.read(), actor=request.user
                    )
                except ValidationError as error:
                    form.add_error("file", error)
                else:
                    self.message_user(
                        request,
                        _(
                            "The signed copy was archived as version %(version)s, "
                            "signed by %(signer)s."
                        )
                        % {"version": copy.version, "signer": copy.signer},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:reports_publication_change", args=[copy.pk])
                    )
        return TemplateResponse(
            request,
            "admin/reports/publication/signed_copy.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Upload a copy signed outside the portal"),
                "form": form,
                "original": original,
                "opts": self.model._meta,
            },
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
        page = action_confirmation(
            modeladmin,
            request,
            queryset,
            question=_(
                "A published document is final: it gets a verification code and "
                "can only be replaced by a new version. Publish it for these "
                "years?"
            ),
        )
        if page is not None:
            return page
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
class DocumentYearAdmin(YearAsLabelMixin, ScopedAdmin):
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


class ApiTokenIssueForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys to the read-only API, for the portal's administrators: issued
    (the secret shown once) and revoked through the services, never edited."""

    form = ApiTokenIssueForm
    list_display = ["name", "user", "prefix", "created_at", "created_by", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user", "created_by"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        token, secret = services.api_token_issue(
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            actor=request.user,
        )
        obj.pk = token.pk
        self.message_user(
            request,
            _("Token issued. Copy its secret now, it is not shown again: %(secret)s")
            % {"secret": secret},
            messages.WARNING,
        )

    def log_addition(self, request, obj, message):
        # The service writes the audit event; the admin log needs the row.
        if obj.pk:
            super().log_addition(request, ApiToken.objects.get(pk=obj.pk), message)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        done = run_each(
            self,
            request,
            queryset,
            lambda token: services.api_token_revoke(token=token, actor=request.user),
        )
        report_done(
            self,
            request,
            done,
            ngettext(
                "%(count)d token revoked.",
                "%(count)d tokens revoked.",
                done,
            ),
        )


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
