"""Voting rounds: preparing them, opening, paper tallies, closing and counting.

The candidates and the "who has voted" list are inlines of
scoring/admin/candidates.py; what each board voted is never shown here.
"""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.admin import BlocYearFilter, ScopedAdmin, action_confirmation
from blocs.services import audit_record
from pledges.admin.common import report_done, run_each
from scoring import notices, permissions, services
from scoring.admin.candidates import BallotCastInline, CandidateInline, _open_years
from scoring.admin.common import RunScoringMixin, changes_of, record_inline_changes
from scoring.admin.forms import PaperTallyForm, RoundCreateForm, StatedTimeForm
from scoring.models import Candidate, VotingRound

S = VotingRound.Status
RULE_FIELDS = [
    "max_choices",
    "quota",
    "quorum_percent",
    "quorum_base",
    "present",
    "threshold_percent",
    "self_vote_allowed",
    "tie_break",
    "on_paper",
    "closes_at",
]
COUNT_FIELDS = [
    "opened_at",
    "closed_at",
    "ballots_issued",
    "ballots_valid",
    "ballots_invalid",
    "outcome_text",
]


@admin.register(VotingRound)
class VotingRoundAdmin(RunScoringMixin, ScopedAdmin):
    scope = staticmethod(permissions.rounds_visible_to)
    list_display = [
        "title",
        "bloc_year",
        "kind",
        "status",
        "quota",
        "max_choices",
        "cast_count",
    ]
    list_filter = ["status", "kind", ("bloc_year", BlocYearFilter)]
    search_fields = ["title", "bloc_year__bloc__name", "bloc_year__bloc__short_name"]
    list_select_related = ["bloc_year__bloc"]
    ordering = ["-bloc_year__year", "bloc_year__bloc__name", "pk"]
    actions = ["open_round", "close_round", "paper_tally", "remind_not_voted"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("bloc_year__bloc")
            .annotate(cast_count=Count("casts", distinct=True))
        )

    @admin.display(description=_("ballots cast"), ordering="cast_count")
    def cast_count(self, obj):
        return obj.cast_count

    def _ballot_count(self, obj, key: str, paper_field: str):
        # A closed round shows what the minutes print (online rounds have no
        # paper tallies); an open paper round shows the tallies entered so far.
        if obj.status == S.CLOSED:
            if not hasattr(obj, "_ballot_counts"):
                obj._ballot_counts = services.round_ballot_counts(obj)
            return obj._ballot_counts[key]
        value = getattr(obj, paper_field) if obj.on_paper else None
        return "—" if value is None else value

    @admin.display(description=_("ballots issued"))
    def ballots_issued(self, obj):
        return self._ballot_count(obj, "issued", "paper_issued")

    @admin.display(description=_("valid ballots"))
    def ballots_valid(self, obj):
        return self._ballot_count(obj, "valid", "paper_valid")

    @admin.display(description=_("invalid ballots"))
    def ballots_invalid(self, obj):
        return self._ballot_count(obj, "invalid", "paper_invalid")

    @admin.display(description=_("outcome"))
    def outcome_text(self, obj):
        return services.round_outcome_text(obj.outcome) or "—"

    # Form -------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        main = ["bloc_year", "kind", "title"] + (["status"] if obj else [])
        fieldsets = [
            (None, {"fields": main}),
            (_("Rules of the vote"), {"fields": RULE_FIELDS}),
        ]
        if obj is not None:
            fieldsets.append((_("Count"), {"fields": COUNT_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["bloc_year", "status", *COUNT_FIELDS]
        if obj.status == S.DRAFT:
            return fixed
        # Once open only the number of boards present may still be entered
        # (the roll call at the conference); a closed round is read-only.
        return (
            fixed
            + ["kind", "title"]
            + [f for f in RULE_FIELDS if f not in ("present", "closes_at")]
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "title" in form.base_fields:
            form.base_fields["title"].required = False
            form.base_fields["title"].help_text = _(
                "Leave empty to use the kind of round as its title."
            )
        return form

    def get_inlines(self, request, obj):
        if obj is None or obj.on_paper:
            return [CandidateInline]
        return [CandidateInline, BallotCastInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bloc_year":
            kwargs["queryset"] = _open_years(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None:
            return allowed
        return (
            allowed
            and obj.status != S.CLOSED
            and permissions.can_run_scoring(request.user, obj.bloc_year)
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # A new round is created with its candidates in save_related, by
        # round_create; a change of its settings is audited here.
        if not change:
            return
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="round.edit",
            obj=obj,
            changes=changes_of(form),
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        record_inline_changes(request, form.instance, formset, "round.candidates")

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        obj = form.instance
        boards = [
            row["board"].pk
            for formset in formsets
            if formset.model is Candidate
            for row in formset.cleaned_data
            if row and not row.get("DELETE")
        ]
        # No rows given: the boards registered for the round's award, as the
        # create page does (every member only if nobody registered).
        registered = services.registered_candidates(
            bloc_year=obj.bloc_year, kind=obj.kind
        )
        created = services.round_create(
            bloc_year=obj.bloc_year,
            kind=obj.kind,
            actor=request.user,
            candidates=boards or registered or None,
            title=obj.title,
            **{name: getattr(obj, name) for name in RULE_FIELDS},
        )
        # The admin logs and redirects with the object it built: give it the
        # saved one's identity.
        obj.pk, obj.title = created.pk, created.title
        obj._state.adding, obj._state.db = False, created._state.db
        for formset in formsets:
            formset.new_objects = (
                list(created.candidates.all()) if formset.model is Candidate else []
            )
            formset.changed_objects, formset.deleted_objects = [], []

    # Actions ----------------------------------------------------------------------

    def _stated_time(
        self, request, queryset, *, label, question=""
    ) -> HttpResponse | dt.datetime | None:
        """The time to record for opening or closing the rounds, or the page
        to return while it is asked.

        A year recorded after the fact records the time its minutes state
        (its votes were held long ago, and the clock's time would be
        recorded instead), asked on a page of its own, one round at a time;
        that page is also the confirmation of ``question``. A year run in
        the portal records the clock's time (None), once ``question``, if
        any, is confirmed."""
        rounds = list(queryset.select_related("bloc_year__bloc"))
        if not any(r.bloc_year.recorded_after_fact for r in rounds):
            if not question:
                return None
            return action_confirmation(self, request, queryset, question=question)
        if len(rounds) != 1:
            self.message_user(
                request,
                _(
                    "A round of a year recorded after the fact is opened or "
                    "closed alone, at the time its minutes state."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        form = StatedTimeForm(
            request.POST if "apply" in request.POST else None, label=label
        )
        if "apply" in request.POST and form.is_valid():
            return form.cleaned_data["at"]
        return TemplateResponse(
            request,
            "admin/scoring/votinground/stated_time.html",
            {
                **self.admin_site.each_context(request),
                "title": rounds[0],
                "question": question,
                "form": form,
                "voting_round": rounds[0],
                "action": request.POST.get("action", ""),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Open the round"), permissions=["run"])
    def open_round(self, request, queryset):
        stated = self._stated_time(
            request, queryset, label=_("Opened at, as the minutes state")
        )
        if isinstance(stated, HttpResponse):
            return stated
        done = run_each(
            self,
            request,
            queryset,
            lambda r: services.round_open(
                voting_round=r, actor=request.user, opened_at=stated
            ),
        )
        report_done(
            self,
            request,
            done,
            ngettext("%(count)d round opened.", "%(count)d rounds opened.", done),
        )

    @admin.action(
        description=_("Remind the boards that have not voted"), permissions=["run"]
    )
    def remind_not_voted(self, request, queryset):
        for voting_round in queryset.select_related("bloc_year__bloc"):
            try:
                boards, people = notices.boards_remind(
                    voting_round=voting_round, actor=request.user
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(obj)s: you may not do this.") % {"obj": voting_round},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                _(
                    "%(round)s: reminded %(boards)s boards that have not voted "
                    "(%(people)s people)."
                )
                % {"round": voting_round, "boards": boards, "people": people},
                messages.SUCCESS if people else messages.WARNING,
            )

    @admin.action(description=_("Close and count"), permissions=["run"])
    def close_round(self, request, queryset):
        question = _(
            "Closing a round ends the vote and counts it: no ballot can be "
            "cast or changed afterwards. Close and count these rounds?"
        )
        stated = self._stated_time(
            request,
            queryset,
            label=_("Closed at, as the minutes state"),
            question=question,
        )
        if isinstance(stated, HttpResponse):
            return stated
        decisions = []
        run_each(
            self,
            request,
            queryset,
            lambda r: decisions.append(
                (
                    r,
                    services.round_close(
                        voting_round=r, actor=request.user, closed_at=stated
                    ),
                )
            ),
        )
        for voting_round, decision in decisions:
            names = dict(
                voting_round.candidates.values_list("board_id", "board__short_name")
            )
            text = _("%(round)s is closed. %(outcome)s") % {
                "round": voting_round,
                "outcome": services.round_outcome_text(decision.outcome),
            }
            if decision.winners:
                text += " " + _("Chosen: %(boards)s.") % {
                    "boards": ", ".join(names[b] for b in decision.winners)
                }
            if decision.unresolved:
                text += " " + _("Tied: %(boards)s.") % {
                    "boards": ", ".join(names[b] for b in decision.unresolved)
                }
            decided = decision.outcome == VotingRound.Outcome.DECIDED
            self.message_user(
                request, text, messages.SUCCESS if decided else messages.WARNING
            )

    @admin.action(description=_("Enter paper tallies…"), permissions=["run"])
    def paper_tally(self, request, queryset):
        rounds = list(queryset)
        if len(rounds) != 1:
            self.message_user(
                request, _("Enter the tallies of one round at a time."), messages.ERROR
            )
            return None
        voting_round = rounds[0]
        if not voting_round.on_paper or voting_round.status == S.CLOSED:
            self.message_user(
                request,
                _("Tallies are entered for an open paper round only."),
                messages.ERROR,
            )
            return None
        candidates = list(voting_round.candidates.select_related("board"))
        form = PaperTallyForm(
            request.POST if "apply" in request.POST else None,
            candidates=candidates,
            initial={
                "issued": voting_round.paper_issued,
                "valid": voting_round.paper_valid,
                "invalid": voting_round.paper_invalid,
            },
        )
        if "apply" in request.POST and form.is_valid():
            try:
                services.round_paper_tally(
                    voting_round=voting_round,
                    actor=request.user,
                    issued=form.cleaned_data["issued"],
                    valid=form.cleaned_data["valid"],
                    invalid=form.cleaned_data["invalid"],
                    votes=form.votes(),
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    _("%(obj)s: you may not do this.") % {"obj": voting_round},
                    messages.ERROR,
                )
                return None
            except ValidationError as error:
                form.add_error(None, error)
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("The tallies of %(round)s are saved; close it to count.")
                    % {"round": voting_round},
                    messages.SUCCESS,
                )
                return None
        return TemplateResponse(
            request,
            "admin/scoring/votinground/paper_tally.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Paper tallies: %(round)s") % {"round": voting_round},
                "form": form,
                "voting_round": voting_round,
                "action": "paper_tally",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )

    # Pages ------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("create/", wrap(self.create_view), name="scoring_votinground_create"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_create_round": self.has_run_permission(request)
            and self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def create_view(self, request):
        """A round whose candidates are the boards registered for its award
        (by default; or only the best scores among them), or every member."""
        if not (self.has_run_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        form = RoundCreateForm(
            request.POST if request.method == "POST" else None,
            years=_open_years(request.user),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            candidates = None
            if data["candidates"] == RoundCreateForm.REGISTERED:
                candidates = services.registered_candidates(
                    bloc_year=data["bloc_year"], kind=data["kind"]
                )
                if not candidates:
                    form.add_error(
                        "candidates",
                        _(
                            "No member has registered for this award yet: choose "
                            "every member board, or wait for the registrations."
                        ),
                    )
            elif data["candidates"] == RoundCreateForm.ELIGIBLE:
                candidates = services.eligible_candidates(
                    data["bloc_year"], data["kind"], data["top"]
                )
                if not candidates:
                    form.add_error(
                        "candidates",
                        _("No board with a score has registered for this award."),
                    )
            if not form.errors:
                try:
                    voting_round = services.round_create(
                        bloc_year=data["bloc_year"],
                        kind=data["kind"],
                        actor=request.user,
                        candidates=candidates,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.log_addition(request, voting_round, [{"added": {}}])
                    self.message_user(
                        request,
                        _("%(round)s was created: check its rules, then open it.")
                        % {"round": voting_round},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse(
                            "admin:scoring_votinground_change", args=[voting_round.pk]
                        )
                    )
        return TemplateResponse(
            request,
            "admin/scoring/votinground/create.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Create a round with its candidates"),
                "form": form,
                "opts": self.model._meta,
            },
        )
