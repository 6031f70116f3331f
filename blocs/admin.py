from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from blocs import cockpit, hooks, permissions, services
from blocs.forms import MembershipForm, NumberField
from blocs.models import (
    AuditEvent,
    Bloc,
    BlocYear,
    Board,
    BoardSuccession,
    Membership,
    Ministry,
    Official,
    User,
)
from blocs.selectors import bloc_years_with_leaders, cockpit_years_for
from blocs.services import ALLOWED_TRANSITIONS

admin.site.site_header = _("Emulation bloc portal")
admin.site.site_title = _("Emulation bloc portal")
admin.site.index_title = _("Bloc administration")
admin.site.empty_value_display = "—"

_django_index = admin.site.index


def _index_with_cockpits(request, extra_context=None):
    """The secretariat lands on its years' cockpits, above the model list."""
    extra_context = {
        **(extra_context or {}),
        "cockpit_years": cockpit_years_for(request.user),
    }
    return _django_index(request, extra_context)


admin.site.index = _index_with_cockpits

# django-otp's own device admin would let staff read keys and edit devices by
# hand: a device is made by its owner (blocs.two_factor), and a lost one is
# removed with `manage.py two_factor_reset USERNAME`.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


CONFIRMED = "confirmed"


def action_confirmation(modeladmin, request, queryset, *, question):
    """The intermediate page of an admin action that cannot be undone
    (publishing, closing): None once the user has confirmed, else the page
    naming the chosen objects, whose button posts the action again with
    ``confirmed``. Nothing changes before that second POST."""
    if request.POST.get(CONFIRMED) == "yes":
        return None
    opts = modeladmin.model._meta
    return TemplateResponse(
        request,
        "admin/action_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Are you sure?"),
            "question": question,
            "objects": list(queryset),
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": opts,
        },
    )


@admin.display(description=_("year"), ordering="year")
def year_plain(obj) -> str:
    """A year is a label, not a quantity: never "2.024"."""
    return str(obj.year)


class YearAsLabelMixin:
    """A change page showing a bloc-year's ``year`` read-only shows it as a
    label too (the admin's own display grouped it: "2.024")."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None:
            return list(dict.fromkeys(year_plain if f == "year" else f for f in fields))
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, year_plain] if obj is not None else readonly


class BlocYearFilter(admin.RelatedOnlyFieldListFilter):
    """The bloc-years in the list, with their blocs in one query (a year's
    label names its bloc), not one query per year."""

    def field_choices(self, field, request, model_admin):
        in_list = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        years = (
            BlocYear.objects.filter(pk__in=in_list)
            .select_related("bloc")
            .order_by(*(ordering or BlocYear._meta.ordering or ["pk"]))
        )
        return [(year.pk, str(year)) for year in years]


# Figures typed in the admin are read as strictly as the boards' own form
# (blocs/numbers.py) and shown the user's way: 2.470,7 in Vietnamese.
NUMBER_FIELDS = {models.DecimalField: {"form_class": NumberField}}


class ScopedAdmin(admin.ModelAdmin):
    """Admin whose rows come only from the user's scoped queryset.

    ``scope`` is a function of ``permissions`` returning what a user may see;
    bulk deletion is never offered (history is kept, not erased in bulk).
    """

    scope = None
    formfield_overrides = NUMBER_FIELDS

    def get_queryset(self, request):
        qs = self.scope(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Ministry)
class MinistryAdmin(ScopedAdmin):
    scope = staticmethod(permissions.ministries_visible_to)
    list_display = ["name", "short_name", "valid_from", "valid_until"]
    search_fields = ["name", "short_name"]
    fields = [
        "name",
        "short_name",
        "valid_from",
        "valid_until",
        "emulation_department",
    ]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Bloc)
class BlocAdmin(ScopedAdmin):
    scope = staticmethod(permissions.blocs_visible_to)
    list_display = ["name", "short_name", "kind", "region", "ministry", "year_count"]
    list_filter = ["kind", "region", "ministry"]
    search_fields = ["name", "short_name", "region"]
    list_select_related = ["ministry"]
    autocomplete_fields = ["ministry", "merged_into"]
    # The count below groups the rows, which drops the model's ordering: an
    # unordered list pages inconsistently (the user form's bloc search
    # answered an error).
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(year_count=Count("years"))

    @admin.display(description=_("years"), ordering="year_count")
    def year_count(self, obj):
        return obj.year_count

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return super().has_change_permission(
            request, obj
        ) and permissions.can_change_bloc(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("ministry", "merged_into", "short_name")


class BoardAdminForm(forms.ModelForm):
    """A board's fields; a rename goes through ``board_rename`` from a date,
    so that the old name stays for the years before it."""

    rename_from = forms.DateField(
        label=_("New name from"),
        required=False,
        help_text=_(
            "To rename the board: the first day of the new name. Years before "
            "it keep the old name; a closed year cannot be reached."
        ),
    )
    new_name = forms.CharField(label=_("New official name"), required=False)
    new_short_name = forms.CharField(label=_("New short name"), required=False)
    new_province = forms.CharField(
        label=_("New province"),
        required=False,
        help_text=_("Only when the board passes to another province."),
    )
    new_name_inferred = forms.BooleanField(label=_("inferred name"), required=False)

    class Meta:
        model = Board
        fields = [
            "name",
            "short_name",
            "province",
            "manages_kcn",
            "manages_kcx",
            "manages_kkt",
            "manages_kcnc",
            "note",
        ]

    def clean(self):
        data = super().clean()
        day = data.get("rename_from")
        if day is None:
            return data
        if not data.get("new_name") or not data.get("new_short_name"):
            raise forms.ValidationError(
                _("A rename needs the new official name and the new short name.")
            )
        if self.instance.pk is not None:
            refusal = services.board_rename_refusal(board=self.instance, valid_from=day)
            if refusal is not None:
                raise forms.ValidationError(refusal.messages)
        return data


@admin.register(Board)
class BoardAdmin(ScopedAdmin):
    scope = staticmethod(permissions.boards_visible_to)
    form = BoardAdminForm
    list_display = ["short_name", "name", "province", "zone_kinds_display"]
    list_filter = [
        "province",
        "manages_kcn",
        "manages_kcx",
        "manages_kkt",
        "manages_kcnc",
    ]
    search_fields = ["name", "short_name", "province"]

    @admin.display(description=_("zone kinds"))
    def zone_kinds_display(self, obj):
        return ", ".join(obj.zone_kinds)

    def get_readonly_fields(self, request, obj=None):
        # A name is changed by a dated rename (the fields below), never
        # overwritten: closed years print the old one.
        if obj is None:
            return ("name_inferred", "name_source")
        return (
            "name",
            "short_name",
            "province",
            "name_inferred",
            "name_source",
            "former_names",
        )

    @admin.display(description=_("former board names"))
    def former_names(self, obj):
        # Written by the rename below, never edited: closed years print them.
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} ({}) - {}",
                (
                    (n.name, n.short_name, n.valid_until.strftime("%d/%m/%Y"))
                    for n in obj.past_names.order_by("valid_until")
                ),
            )
            or "—"
        )

    def get_fields(self, request, obj=None):
        fields = [*BoardAdminForm.Meta.fields, "name_inferred", "name_source"]
        if obj is not None:
            fields += [
                "former_names",
                "rename_from",
                "new_name",
                "new_short_name",
                "new_province",
                "new_name_inferred",
            ]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        if change and data.get("rename_from"):
            services.board_rename(
                board=obj,
                name=data["new_name"],
                short_name=data["new_short_name"],
                province=data.get("new_province") or None,
                inferred=data.get("new_name_inferred", False),
                valid_from=data["rename_from"],
                actor=request.user,
            )
            obj.refresh_from_db()

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return super().has_change_permission(
            request, obj
        ) and permissions.can_change_board(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(BoardSuccession)
class BoardSuccessionAdmin(ScopedAdmin):
    """Who took over whom: read by the ministry's trends. Recorded by a
    superuser (a merger is a government decision, not a bloc's)."""

    scope = staticmethod(permissions.board_successions_visible_to)
    list_display = ["predecessor", "successor", "kind", "date", "source"]
    list_filter = ["kind"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.board_succession_record(
            predecessor=obj.predecessor,
            successor=obj.successor,
            date=obj.date,
            kind=obj.kind,
            source=obj.source,
            actor=request.user,
        )


@admin.register(Official)
class OfficialAdmin(ScopedAdmin):
    """The people documents print in their signature blocks, dated."""

    scope = staticmethod(permissions.officials_visible_to)
    list_display = [
        "full_name",
        "title",
        "position",
        "board",
        "ministry",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["position", "ministry"]
    search_fields = ["full_name", "title", "board__name", "department"]
    list_select_related = ["board", "ministry"]
    autocomplete_fields = ["board", "ministry"]
    fields = [
        "full_name",
        "title",
        "position",
        "board",
        "ministry",
        "department",
        "valid_from",
        "valid_until",
        "source",
    ]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return allowed and permissions.can_change_official(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "board" in form.base_fields:
            # A secretariat picks among its own bloc's boards only.
            form.base_fields["board"].queryset = Board.objects.filter(
                memberships__bloc_year__bloc=request.user.bloc_id
            ).distinct()
            form.base_fields["board"].required = True
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.audit_record(
            actor=request.user,
            action="official.change" if change else "official.add",
            obj=obj,
            changes={k: str(form.cleaned_data.get(k)) for k in form.changed_data},
        )


class MembershipInlineFormSet(BaseInlineFormSet):
    """Checks across rows what the database checks per row, so the secretariat
    reads a message instead of meeting an integrity error."""

    def clean(self):
        super().clean()
        seen_boards, seen_roles = set(), {}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            board = form.cleaned_data.get("board")
            role = form.cleaned_data.get("role")
            if board is not None:
                if board.pk in seen_boards:
                    raise ValidationError(
                        _("%(board)s is listed twice; a board holds one role a year."),
                        params={"board": board},
                    )
                seen_boards.add(board.pk)
            if role in (Membership.Role.HEAD, Membership.Role.DEPUTY):
                if role in seen_roles:
                    raise ValidationError(
                        _("Only one board can be %(role)s in a year."),
                        params={"role": Membership.Role(role).label},
                    )
                seen_roles[role] = board


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    formset = MembershipInlineFormSet
    fields = ["board", "role", "confirmed", "source"]
    autocomplete_fields = ["board"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("board")

    def _may_change(self, request, obj):
        return obj is None or permissions.can_change_bloc_year(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_change(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(
            request, obj
        )


class NextActionForm(forms.Form):
    """The confirmation of the cockpit's button: which step was shown (so a
    step that changed meanwhile is not done blindly) and, to move a stage with
    something missing, the reason (audited)."""

    key = forms.CharField(widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label=_("Reason for moving on although something is missing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.override = override
        if not override:
            del self.fields["override_reason"]

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("override_reason", "")
        if self.override and not cleaned.get("override_reason", "").strip():
            self.add_error(
                "override_reason",
                _("Something is missing: say why the year moves on anyway."),
            )
        return cleaned


@admin.register(BlocYear)
class BlocYearAdmin(ScopedAdmin):
    scope = staticmethod(permissions.bloc_years_visible_to)
    list_display = [
        "__str__",
        year_plain,
        "status",
        "head_name",
        "deputy_name",
        "member_count",
        "conference_date",
        "recorded_after_fact",
        "cockpit_link",
    ]
    list_filter = [
        "status",
        "year",
        "recorded_after_fact",
        ("bloc", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["bloc__name", "bloc__short_name", "conference_place"]
    list_select_related = ["bloc"]
    autocomplete_fields = ["host"]
    readonly_fields = ["status"]
    inlines = [MembershipInline]
    actions = ["advance_stage"]
    fields = [
        "bloc",
        "year",
        "status",
        "host",
        "conference_date",
        "conference_end_date",
        "conference_place",
        "registration_deadline",
        "reporting_deadline",
        "recorded_after_fact",
        "note",
    ]

    def get_queryset(self, request):
        return bloc_years_with_leaders(super().get_queryset(request))

    @admin.display(description=_("head"), ordering="head_name")
    def head_name(self, obj):
        return obj.head_name or "—"

    @admin.display(description=_("deputy"), ordering="deputy_name")
    def deputy_name(self, obj):
        return obj.deputy_name or "—"

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("cockpit"))
    def cockpit_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:blocs_blocyear_cockpit", args=[obj.pk]),
            _("Open the cockpit"),
        )

    # The cockpit ------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/cockpit/",
                wrap(self.cockpit_view),
                name="blocs_blocyear_cockpit",
            ),
            path(
                "<int:pk>/cockpit/next/",
                wrap(self.next_action_view),
                name="blocs_blocyear_next",
            ),
            *super().get_urls(),
        ]

    def _year(self, request, pk) -> BlocYear:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def _context(self, request, bloc_year, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "bloc_year": bloc_year,
            "opts": self.model._meta,
            "may_run": permissions.can_run_bloc_year(request.user, bloc_year),
        }

    def cockpit_view(self, request, pk):
        bloc_year = self._year(request, pk)
        return TemplateResponse(
            request,
            "admin/blocs/blocyear/cockpit.html",
            {
                **self._context(
                    request, bloc_year, _("Cockpit: %(year)s") % {"year": bloc_year}
                ),
                **cockpit.cockpit(bloc_year),
            },
        )

    def next_action_view(self, request, pk):
        """The button's confirmation page (GET) and the step itself (POST):
        the step confirmed is the one performed, or nothing happens."""
        bloc_year = self._year(request, pk)
        if not permissions.can_run_bloc_year(request.user, bloc_year):
            raise PermissionDenied
        action = cockpit.next_action(bloc_year)
        back = reverse("admin:blocs_blocyear_cockpit", args=[bloc_year.pk])
        if action is None:
            self.message_user(request, _("There is no next step."), messages.INFO)
            return redirect(back)
        is_advance = action.key == "advance"
        missing = hooks.stage_missing(bloc_year, bloc_year.status) if is_advance else []
        # A step that cannot be done yet says why before it is confirmed
        # (a stage move with something missing may still be, with a reason).
        blocked = action.blocked(bloc_year) if action.blocked else []
        form = NextActionForm(
            request.POST if request.method == "POST" else None,
            initial={"key": action.key},
            override=bool(missing),
        )
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["key"] != action.key:
                self.message_user(
                    request,
                    _("The next step has changed meanwhile; nothing was done."),
                    messages.WARNING,
                )
                return redirect(back)
            try:
                if is_advance:
                    action.perform(
                        bloc_year, request.user, form.cleaned_data["override_reason"]
                    )
                else:
                    action.perform(bloc_year, request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Done: %(action)s.") % {"action": action.label},
                    messages.SUCCESS,
                )
            return redirect(back)
        return TemplateResponse(
            request,
            "admin/blocs/blocyear/next_action.html",
            {
                **self._context(request, bloc_year, action.label),
                "action": action,
                "missing": missing,
                "blocked": blocked,
                "form": form,
                "key": action.key,
            },
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bloc":
            kwargs["queryset"] = permissions.blocs_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None:
            return [year_plain if f == "year" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["bloc", year_plain, "status"]
        return ["status"]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return super().has_change_permission(
            request, obj
        ) and permissions.can_change_bloc_year(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not request.user.is_superuser:
            return False
        return obj is None or obj.status != BlocYear.Status.CLOSED

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "recorded_after_fact" in form.changed_data:
            # The flag lets the year take dates stated from paper: who set
            # it, and when, is kept.
            services.audit_record(
                actor=request.user,
                action="bloc_year.recorded_after_fact",
                obj=obj,
                changes={"recorded_after_fact": obj.recorded_after_fact},
            )

    @admin.action(description=_("Move to the next stage"), permissions=["change"])
    def advance_stage(self, request, queryset):
        closing = [
            y
            for y in queryset
            if ALLOWED_TRANSITIONS.get(y.status) == BlocYear.Status.CLOSED
        ]
        if closing:
            page = action_confirmation(
                self,
                request,
                queryset,
                question=_(
                    "Closing a year makes its figures, scores, votes and documents "
                    "final: nothing in it can change afterwards. Move these years "
                    "to their next stage?"
                ),
            )
            if page is not None:
                return page
        moved = 0
        for bloc_year in queryset.select_related("bloc"):
            if not permissions.can_change_bloc_year(request.user, bloc_year):
                self.message_user(
                    request,
                    _("%(year)s cannot be changed by you.") % {"year": bloc_year},
                    messages.ERROR,
                )
                continue
            try:
                services.bloc_year_advance(bloc_year=bloc_year, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d bloc year moved to its next stage.",
                    "%(count)d bloc years moved to their next stage.",
                    moved,
                )
                % {"count": moved},
                messages.SUCCESS,
            )


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """Membership history across years; edited through the bloc-year page."""

    scope = staticmethod(permissions.memberships_visible_to)
    list_display = ["board", "bloc_year", year_plain, "role", "confirmed", "source"]
    list_filter = ["year", "role", "confirmed"]
    search_fields = ["board__name", "board__short_name", "bloc_year__bloc__name"]
    list_select_related = ["board", "bloc_year__bloc"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleFormMixin:
    """Checks that the role's scope is filled in before the service saves it."""

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == User.Role.SECRETARIAT and not cleaned.get("bloc"):
            self.add_error("bloc", _("A secretariat works for one bloc: choose it."))
        if role == User.Role.BOARD_OFFICER and not cleaned.get("board"):
            self.add_error(
                "board", _("A board officer works for one board: choose it.")
            )
        return cleaned


class UserChangeForm(RoleFormMixin, DjangoUserAdmin.form):
    class Meta(DjangoUserAdmin.form.Meta):
        model = User


class UserCreationForm(RoleFormMixin, DjangoUserAdmin.add_form):
    class Meta(DjangoUserAdmin.add_form.Meta):
        model = User
        fields = ("username",)


class PasswordChangeForm(DjangoUserAdmin.change_password_form):
    """Django appends its warning to the field's help as a plain English
    string, out of reach of any catalogue: the whole help, translated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("usable_password")
        if field is not None:
            field.help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist">'
                '<li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                _("If disabled, the current password for this user will be lost."),
            )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm
    list_display = ["username", "full_name", "role", "bloc", "board", "is_active"]
    list_filter = ["role", "is_active", "is_demo", "bloc"]
    list_select_related = ["bloc", "board"]
    autocomplete_fields = ["bloc", "board"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],
        (_("Role and scope"), {"fields": ("role", "bloc", "board", "is_demo")}),
        (_("Permissions"), {"fields": ("is_active", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "bloc", "board")}),
    )

    # The method's own name ("GET FULL NAME") was the column's header.
    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    def save_model(self, request, obj, form, change):
        # Admin access and groups follow the role; the service keeps them in step.
        super().save_model(request, obj, form, change)
        services.user_set_role(user=obj, role=obj.role, bloc=obj.bloc, board=obj.board)

    def _superuser_only(self, request, obj=None):
        return request.user.is_superuser

    has_view_permission = _superuser_only
    has_add_permission = _superuser_only
    has_change_permission = _superuser_only
    has_delete_permission = _superuser_only


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor__username"]
    list_select_related = ["actor"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or permissions.is_ministry_viewer(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Permissions are stored with English names made when their tables were
# created ("Can add bloc"): the group page writes each in the active language
# from its model's translated name instead.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}
# Apps that name themselves after their label ("Otp_Totp").
APP_NAMES = {
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Backup codes"),
}


def permission_label(permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return gettext(permission.name)
    opts = model._meta
    app = (
        APP_NAMES.get(content_type.app_label)
        or apps.get_app_config(content_type.app_label).verbose_name
    )
    # A third-party model's plain-string name is looked up in our catalogue.
    model_name = gettext(str(opts.verbose_name))
    action, _sep, rest = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and rest == opts.model_name:
        text = PERMISSION_ACTIONS[action] % {"model": model_name}
    else:
        text = gettext(permission.name)
    return f"{app} | {model_name} | {text}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions":
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)
