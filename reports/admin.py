from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blocs.admin import ScopedAdmin
from reports.models import LegalBasis, Publication
from reports.permissions import publications_visible_to


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
    """The archive: read-only; publishing happens on the year's documents page."""

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
    list_filter = ["kind", ("bloc_year", admin.RelatedOnlyFieldListFilter)]
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
