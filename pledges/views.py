from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from pledges import selectors, services
from pledges.forms import EvidenceForm, ReportForm
from pledges.models import Pledge
from pledges.permissions import (
    can_edit_submission,
    can_sign_pledge,
    evidence_visible_to,
)

ACTIONS = {
    "save": (services.submission_save, gettext_lazy("Draft saved.")),
    "register": (services.submission_register, gettext_lazy("Registration sent.")),
    "submit": (
        services.submission_submit,
        gettext_lazy("Report submitted to the secretariat."),
    ),
}


def _report_page(request, submission, form, *, locks, editable, status=200):
    values = form.values
    rows = form.table(services.last_year_values(submission))
    return render(
        request,
        "pledges/submission_form.html",
        {
            "submission": submission,
            "form": form,
            "rows": rows,
            "locks": locks,
            "editable": editable,
            "evidence": list(submission.evidence.all()),
            "evidence_form": EvidenceForm(initial={"version": submission.version}),
            "flagged": [v.indicator.name for v in values if v.flagged],
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def submission_detail(request, pk):
    """A board's registration and results for a year: its own officers edit
    what the locks allow; the secretariat and the ministry read."""
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    values = selectors.submission_values(submission)
    locks = services.submission_locks(submission)
    editable = can_edit_submission(request.user, submission)
    form_kwargs = {
        "values": values,
        "plans_locked": bool(locks.plans) or not editable,
        "values_locked": bool(locks.values) or not editable,
    }
    page = {"locks": locks, "editable": editable}
    if request.method != "POST":
        initial = ReportForm.initial_for(submission, values)
        return _report_page(
            request, submission, ReportForm(initial=initial, **form_kwargs), **page
        )
    if not editable:
        raise PermissionDenied
    initial = ReportForm.initial_for(submission, values)
    if locks.plans and locks.values:
        form = ReportForm(request.POST, initial=initial, **form_kwargs)
        form.is_valid()  # every field is disabled: nothing posted is taken
        form.add_error(None, locks.values)
        return _report_page(request, submission, form, status=400, **page)
    form = ReportForm(request.POST, initial=initial, **form_kwargs)
    action = request.POST.get("action", "save")
    if action not in ACTIONS:
        action = "save"
    if not form.is_valid():
        messages.error(request, _("Some entries are not valid: see the marked fields."))
        return _report_page(request, submission, form, status=400, **page)
    service, done = ACTIONS[action]
    kwargs = {"award_target": form.cleaned_data.get("award_target") or None}
    try:
        service(
            submission=submission,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            entries=form.entries(),
            **kwargs,
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _report_page(
            request,
            submission,
            form,
            status=409 if isinstance(error, services.StaleEditError) else 400,
            # Worked out again: the refused service may have read the row anew.
            locks=services.submission_locks(submission),
            editable=can_edit_submission(request.user, submission),
        )
    messages.success(request, done)
    return redirect("pledges:submission", pk=submission.pk)


@require_POST
@login_required
def evidence_upload(request, pk):
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    if not can_edit_submission(request.user, submission):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                submission=submission,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("File attached."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("pledges:submission", pk=submission.pk)


@require_safe
@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    # Saved to disk, never shown by the browser as a page of this site, and
    # kept out of shared caches: whatever the file holds, it runs nothing here.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def pledge_detail(request, pk):
    pledge = selectors.pledge_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        if not can_sign_pledge(request.user, pledge):
            raise PermissionDenied
        try:
            services.pledge_sign(pledge=pledge, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your board has signed the pledge."))
        return redirect("pledges:pledge", pk=pledge.pk)
    signatures = list(pledge.signatures.all())
    own_board = getattr(request.user, "board_id", None)
    return render(
        request,
        "pledges/pledge_detail.html",
        {
            "pledge": pledge,
            "signatures": signatures,
            "can_sign": can_sign_pledge(request.user, pledge)
            and pledge.status == Pledge.Status.OPEN
            and all(s.board_id != own_board for s in signatures),
        },
    )
