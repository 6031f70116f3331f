"""Recording a past year from paper in the admin (issue 11, "a past year,
entered after the fact"): the secretariat states the date the paper bore and
ticks the boards; the services take the date only for a year recorded after
the fact, and measure its deadlines against it."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import BlocYear, Board
from pledges import services
from pledges.models import Pledge, Submission
from pledges.permissions import can_manage_year


class PaperRecordForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("date on paper"))
    boards = forms.ModelMultipleChoiceField(
        queryset=Board.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("boards"),
    )

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["boards"].queryset = boards
        self.fields["boards"].initial = list(boards)


def _signatures(year: BlocYear):
    """(boards still to record, record one) for the year's open pledge."""
    pledge = Pledge.objects.filter(bloc_year=year, status=Pledge.Status.OPEN).first()
    if pledge is None:
        return Board.objects.none(), None
    boards = (
        Board.objects.filter(memberships__bloc_year=year)
        .exclude(pk__in=pledge.signatures.values("board"))
        .order_by("name")
    )

    def record(board, when, actor):
        services.pledge_sign_recorded(
            pledge=pledge, board=board, signed_at=when, actor=actor
        )

    return boards, record


def _reports(year: BlocYear):
    """(boards whose report is still to record, record one)."""
    open_ = Submission.objects.filter(
        bloc_year=year, status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED]
    )
    boards = Board.objects.filter(pk__in=open_.values("board")).order_by("name")

    def record(board, when, actor):
        sub = open_.get(board=board)
        services.submission_submit(
            submission=sub,
            actor=actor,
            expected_version=sub.version,
            submitted_at=when,
        )

    return boards, record


KINDS = {
    "signatures": (_signatures, gettext_lazy("Record signatures from paper")),
    "reports": (_reports, gettext_lazy("Record reports as submitted on paper")),
}


def record_view(model_admin, request, year: BlocYear, kind: str):
    """GET: the form; POST: each ticked board recorded on the stated date,
    each refusal shown with its board (the others are kept)."""
    if not can_manage_year(request.user, year):
        raise PermissionDenied
    back = reverse("admin:pledges_reportingyear_completeness", args=[year.pk])
    if not year.recorded_after_fact:
        model_admin.message_user(
            request,
            _("Only a year recorded after the fact takes dates stated from paper."),
            messages.ERROR,
        )
        return redirect(back)
    find, title = KINDS[kind]
    boards, record = find(year)
    form = PaperRecordForm(request.POST or None, boards=boards)
    if request.method == "POST" and form.is_valid():
        # Nine in the morning of the stated day: the paper gives no hour.
        when = timezone.make_aware(
            dt.datetime.combine(form.cleaned_data["day"], dt.time(9))
        )
        done = 0
        for board in form.cleaned_data["boards"]:
            try:
                record(board, when, request.user)
            except ValidationError as error:
                model_admin.message_user(
                    request,
                    f"{board.short_name}: {' '.join(error.messages)}",
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            model_admin.message_user(
                request,
                _("%(count)s boards recorded.") % {"count": done},
                messages.SUCCESS,
            )
        return redirect(back)
    return TemplateResponse(
        request,
        "admin/pledges/reportingyear/paper.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"{title} · {year}",
            "year": year,
            "form": form,
            "opts": model_admin.model._meta,
            "nothing": record is None or not boards.exists(),
        },
    )
