"""Scoring scales: the criteria while the scale is a draft, freezing, the
year's scale created from last year's, and the bloc's assessment matrix."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import NUMBER_FIELDS, BlocYearFilter, ScopedAdmin
from blocs.models import BlocYear, Membership
from blocs.permissions import bloc_years_visible_to
from blocs.services import audit_record
from pledges.admin.common import report_done, run_each
from scoring import permissions, services
from scoring.admin.common import (
    RunScoringMixin,
    cache_choices,
    changes_of,
    record_inline_changes,
)
from scoring.admin.forms import AssessmentMatrixForm, ScaleCreateForm
from scoring.models import Assessment, Criterion, ScoringScale

K = Criterion.Kind
# Criteria whose points a person gives: the rest come from the figures.
HAND_GIVEN = Q(kind__in=[K.ASSESSED, K.BONUS, K.PENALTY]) | Q(
    kind=K.YES_NO, indicator_code=""
)


class CriterionInlineFormSet(BaseInlineFormSet):
    """Checks across rows what the score rules assume of the tree."""

    def clean(self):
        super().clean()
        kept, deleted_groups = [], set()
        for form in self.forms:
            if not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk and form.instance.kind == K.GROUP:
                    deleted_groups.add(form.instance.pk)
                continue
            kept.append(form.cleaned_data)
        for row in kept:
            parent, kind = row.get("parent"), row.get("kind")
            if kind == K.GROUP and parent is not None:
                raise ValidationError(
                    _("%(code)s: a group cannot sit inside another group."),
                    params={"code": row.get("code")},
                )
            if parent is not None and parent.pk in deleted_groups:
                raise ValidationError(
                    _("%(group)s still has criteria under it: move them first."),
                    params={"group": parent.code},
                )
            if kind == K.PLAN and not row.get("indicator_code"):
                raise ValidationError(
                    _("%(code)s is scored against plan: give its indicator code."),
                    params={"code": row.get("code")},
                )


class CriterionInline(admin.TabularInline):
    model = Criterion
    formfield_overrides = NUMBER_FIELDS
    formset = CriterionInlineFormSet
    fk_name = "scale"
    extra = 0
    fields = [
        "parent",
        "code",
        "name",
        "kind",
        "max_points",
        "order",
        "indicator_code",
        "full_at_percent",
        "loss_per_percent",
        "bonus_per_percent",
        "bonus_cap",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def _editable(self, request, obj) -> bool:
        """A frozen scale is read-only for everyone, superusers included."""
        return obj is None or (
            obj.status == ScoringScale.Status.DRAFT
            and permissions.can_run_scoring(request.user, obj.bloc_year)
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if self._editable(request, obj) else self.fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        cache_choices(
            formset,
            "parent",
            Criterion.objects.filter(scale=obj, kind=K.GROUP)
            if obj is not None
            else Criterion.objects.none(),
        )
        return formset

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(
            request, obj
        )


@admin.register(ScoringScale)
class ScoringScaleAdmin(RunScoringMixin, ScopedAdmin):
    scope = staticmethod(permissions.scales_visible_to)
    list_display = ["title", "bloc_year", "status", "criterion_count", "pages"]
    list_filter = ["status", ("bloc_year", BlocYearFilter)]
    search_fields = ["title", "bloc_year__bloc__name", "bloc_year__bloc__short_name"]
    list_select_related = ["bloc_year__bloc"]
    ordering = ["-bloc_year__year", "bloc_year__bloc__name"]
    fields = ["bloc_year", "title", "status"]
    readonly_fields = ["bloc_year", "status"]
    inlines = [CriterionInline]
    actions = ["freeze", "recompute"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("bloc_year__bloc")
            .annotate(criterion_count=Count("criteria"))
        )

    @admin.display(description=_("criteria"), ordering="criterion_count")
    def criterion_count(self, obj):
        return obj.criterion_count

    @admin.display(description=_("pages"))
    def pages(self, obj):
        if obj.status != ScoringScale.Status.FROZEN:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?bloc_year__id__exact={}">{}</a>',
            reverse("admin:scoring_scoringscale_assess", args=[obj.pk]),
            _("Assessment"),
            reverse("admin:scoring_score_changelist"),
            obj.bloc_year_id,
            _("Scores"),
        )

    def has_add_permission(self, request):
        # The year's scale is made by scale_create (the "create" page), which
        # copies last year's criteria: never from an empty form.
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return (
            allowed
            and obj.status == ScoringScale.Status.DRAFT
            and permissions.can_run_scoring(request.user, obj.bloc_year)
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            audit_record(
                actor=request.user,
                action="scale.edit",
                obj=obj,
                changes=changes_of(form),
            )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        record_inline_changes(request, form.instance, formset, "scale.criteria")

    # Actions --------------------------------------------------------------------

    @admin.action(description=_("Freeze the scale"), permissions=["run"])
    def freeze(self, request, queryset):
        done = run_each(
            self,
            request,
            queryset,
            lambda s: services.scale_freeze(scale=s, actor=request.user),
        )
        report_done(
            self,
            request,
            done,
            ngettext(
                "%(count)d scale frozen; its scores are computed.",
                "%(count)d scales frozen; their scores are computed.",
                done,
            ),
        )

    @admin.action(description=_("Recompute scores"), permissions=["run"])
    def recompute(self, request, queryset):
        def call(scale):
            if scale.status != ScoringScale.Status.FROZEN:
                raise ValidationError(
                    _("%(scale)s is not frozen yet: there is nothing to score."),
                    params={"scale": scale},
                )
            services.scores_compute(bloc_year=scale.bloc_year, actor=request.user)

        done = run_each(self, request, queryset, call)
        report_done(
            self,
            request,
            done,
            ngettext(
                "Scores recomputed for %(count)d scale.",
                "Scores recomputed for %(count)d scales.",
                done,
            ),
        )

    # Pages ----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("create/", wrap(self.create_view), name="scoring_scoringscale_create"),
            path(
                "<path:object_id>/assess/",
                wrap(self.assess_view),
                name="scoring_scoringscale_assess",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_create_scale": self.has_run_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _context(self, request, title, **context):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            **context,
        }

    def create_view(self, request):
        """The year's scale: a copy of last year's, else the default one."""
        if not self.has_run_permission(request):
            raise PermissionDenied
        years = (
            bloc_years_visible_to(request.user)
            .exclude(status=BlocYear.Status.CLOSED)
            .filter(scoring_scale__isnull=True)
            .select_related("bloc")
            .order_by("-year", "bloc__name")
        )
        form = ScaleCreateForm(
            request.POST if request.method == "POST" else None, years=years
        )
        if request.method == "POST" and form.is_valid():
            try:
                scale = services.scale_create(
                    bloc_year=form.cleaned_data["bloc_year"], actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, scale, [{"added": {}}])
                self.message_user(
                    request,
                    _("%(scale)s was created: check its criteria, then freeze it.")
                    % {"scale": scale},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:scoring_scoringscale_change", args=[scale.pk])
                )
        return TemplateResponse(
            request,
            "admin/scoring/scoringscale/create.html",
            self._context(
                request,
                _("Create the scoring scale"),
                form=form,
                has_years=years.exists(),
            ),
        )

    def assess_view(self, request, object_id):
        """The bloc's points for every member and hand-given criterion."""
        scale = self.get_object(request, object_id)
        if scale is None:
            raise Http404
        if not self.has_view_permission(request, scale):
            raise PermissionDenied
        bloc_year = scale.bloc_year
        editable = scale.status == ScoringScale.Status.FROZEN and (
            permissions.can_run_scoring(request.user, bloc_year)
        )
        if request.method == "POST" and not editable:
            raise PermissionDenied
        boards = [
            m.board
            for m in Membership.objects.filter(bloc_year=bloc_year).select_related(
                "board"
            )
        ]
        criteria = list(scale.criteria.filter(HAND_GIVEN).order_by("order", "code"))
        own, given = {}, {}
        for a in Assessment.objects.filter(criterion__scale=scale):
            slot = given if a.source == Assessment.Source.BLOC else own
            slot[(a.board_id, a.criterion_id)] = a
        form = AssessmentMatrixForm(
            request.POST if request.method == "POST" else None,
            boards=boards,
            criteria=criteria,
            own=own,
            given=given,
            editable=editable,
        )
        if request.method == "POST":
            if form.is_valid():
                saved = self._save_matrix(request, form, scale)
                if saved is not None:
                    if saved:
                        self.message_user(
                            request,
                            ngettext(
                                "%(count)d assessment saved; the scores are "
                                "recomputed.",
                                "%(count)d assessments saved; the scores are "
                                "recomputed.",
                                saved,
                            )
                            % {"count": saved},
                            messages.SUCCESS,
                        )
                    else:
                        self.message_user(request, _("Nothing was changed."))
                    return HttpResponseRedirect(request.path)
            self.message_user(
                request,
                _("Nothing was saved: correct the marked cells and save again."),
                messages.ERROR,
            )
        if scale.status != ScoringScale.Status.FROZEN:
            notice = _("Assessment opens when the scale is frozen.")
        elif bloc_year.status == BlocYear.Status.CLOSED:
            notice = _("The year is closed: its assessments are final.")
        elif not editable:
            notice = _("You can read these assessments but not change them.")
        else:
            notice = ""
        return TemplateResponse(
            request,
            "admin/scoring/scoringscale/assess.html",
            self._context(
                request,
                _("Assessment by the bloc: %(scale)s") % {"scale": scale},
                original=scale,
                form=form,
                rows=form.rows(),
                criteria=criteria,
                editable=editable,
                notice=notice,
            ),
        )

    def _save_matrix(self, request, form, scale) -> int | None:
        """How many cells the service saved, or None when it refused some
        (their messages go to the form's cells and the page's messages)."""
        cells = [
            services.MatrixCell(board, criterion, *form.entered(board, criterion))
            for board in form.boards
            for criterion in form.criteria
        ]
        try:
            return services.assessment_matrix_save(
                scale=scale, cells=cells, actor=request.user
            )
        except services.AssessmentMatrixRefused as refused:
            for cell, texts in refused.cells:
                form.cell_errors[f"{cell.board.pk}_{cell.criterion.pk}"] = texts
                self.message_user(
                    request,
                    _("%(board)s, %(criterion)s: %(error)s")
                    % {
                        "board": cell.board.short_name,
                        "criterion": cell.criterion.code,
                        "error": " ".join(texts),
                    },
                    messages.ERROR,
                )
            return None
