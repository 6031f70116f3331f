"""E-mail deliveries in the admin: the secretariat sees what reached its
bloc's people and which addresses the mail server refused."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from blocs.admin import ScopedAdmin
from blocs.notifications import selectors
from blocs.notifications.kinds import KINDS
from blocs.notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    scope = staticmethod(selectors.deliveries_visible_to)
    list_display = [
        "address",
        "recipient",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["address", "notice__user__username"]
    list_select_related = ["notice__user"]
    readonly_fields = [*list_display, "notice"]
    fields = readonly_fields

    @admin.display(description=_("recipient"), ordering="notice__user__username")
    def recipient(self, obj) -> str:
        user = obj.notice.user
        return user.get_full_name() or user.get_username()

    @admin.display(description=_("kind"))
    def kind(self, obj) -> str:
        kind = KINDS.get(obj.notice.kind)
        return str(kind.label) if kind else obj.notice.kind

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
