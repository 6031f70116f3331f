from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from blocs.selectors import boards_named_in
from pledges import selectors, services
from pledges.forms import EvidenceForm, ReportForm, rows_html
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


# The report table of an unbound form (what a GET shows) is kept in the pages'
# cache, with the flagged indicators and the evidence files. Its key holds
# everything they are made of, read in the query that fetches the submission
# (``selectors.submission_get_for_form``), so a table is never served after
# any of it changed: the submission's version and last save (figures, status,
# flags, award, files), the locks as they stand today and whether the reader
# may edit (which inputs are disabled), the language, the year's indicators
# (count, largest id), the board's approved reports of the year before (the
# "last year" column) and the latest admin edit (indicators, figures or files
# changed in the admin). It is rendered without the request: it holds no CSRF
# token and nothing of the reader. A restore clears the whole pages' cache
# (reports.cache.pages_forget); a write outside services and the admin must
# too.
TABLE_CACHE = "pages"
TABLE_TIMEOUT = 15 * 60
TABLE_TEMPLATE = "pledges/includes/_report_table.html"


def _table_key(submission, *, editable: bool, form_kwargs: dict) -> str:
    parts = [
        submission.pk,
        submission.version,
        submission.updated_at.timestamp(),
        translation.get_language(),
        int(editable),
        int(form_kwargs["plans_locked"]),
        int(form_kwargs["values_locked"]),
        submission.table_version,
    ]
    return "pledges:table:" + ":".join(map(str, parts))


def _table(submission, form) -> dict:
    """The report table's html, the names of the flagged indicators (the
    returned notice above the form lists them) and the evidence files (an
    upload bumps the version)."""
    rows = rows_html(form.table(services.last_year_values(submission)))
    return {
        "html": render_to_string(
            TABLE_TEMPLATE,
            {
                "form": form,
                "version": form.cell("version"),
                "award_target": form.cell("award_target"),
                "rows": rows,
            },
        ),
        "flagged": [v.indicator.name for v in form.values if v.flagged],
        "evidence": [
            {"pk": e.pk, "name": e.name, "size": e.size, "uploaded_at": e.uploaded_at}
            # One submission's files in upload order; the model's default
            # order sorts by the submission's year, bloc and board first,
            # which costs three joins here.
            for e in submission.evidence.order_by("uploaded_at", "pk")
        ],
    }


def _report_page(
    request,
    submission,
    form,
    *,
    locks,
    editable,
    status=200,
    table=None,
    empty_results=(),
):
    """The page; ``table``: what ``_table`` gave, from the cache for an
    unbound form (``form`` is then None: it is not built); ``empty_results``:
    the results a submit would leave empty, to confirm."""
    if table is None:
        table = _table(submission, form)
    if not hasattr(submission, "dated_short_name"):
        # Read for a POST (submission_get_for_user): the page names the
        # board as it was called that year, as a GET does.
        boards_named_in([submission.board], year=submission.bloc_year.year)
    return render(
        request,
        "pledges/submission_form.html",
        {
            "submission": submission,
            "form": form,
            # Rendered by Django's templates, escaped there (here or before
            # it was cached).
            "report_table": mark_safe(table["html"]),  # noqa: S308
            "locks": locks,
            "editable": editable,
            "evidence": table["evidence"],
            "evidence_form": EvidenceForm(initial={"version": submission.version}),
            "flagged": table["flagged"],
            "empty_results": empty_results,
        },
        status=status,
    )


def _form_kwargs(values, locks, editable) -> dict:
    return {
        "values": values,
        "plans_locked": bool(locks.plans) or not editable,
        "values_locked": bool(locks.values) or not editable,
    }


def _report_get(request, pk):
    submission = selectors.submission_get_for_form(user=request.user, pk=pk)
    locks = services.submission_locks(submission)
    editable = can_edit_submission(request.user, submission)
    page = {"locks": locks, "editable": editable}
    form_kwargs = _form_kwargs(None, locks, editable)
    cache = caches[TABLE_CACHE]
    key = _table_key(submission, editable=editable, form_kwargs=form_kwargs)
    table = cache.get(key)
    if table is not None:
        return _report_page(request, submission, None, table=table, **page)
    values = selectors.submission_values(submission)
    form_kwargs["values"] = values
    initial = ReportForm.initial_for(submission, values)
    form = ReportForm(initial=initial, **form_kwargs)
    table = _table(submission, form)
    cache.set(key, table, TABLE_TIMEOUT)
    return _report_page(request, submission, form, table=table, **page)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def submission_detail(request, pk):
    """A board's registration and results for a year: its own officers edit
    what the locks allow; the secretariat and the ministry read."""
    if request.method != "POST":
        return _report_get(request, pk)
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    values = selectors.submission_values(submission)
    locks = services.submission_locks(submission)
    editable = can_edit_submission(request.user, submission)
    form_kwargs = _form_kwargs(values, locks, editable)
    page = {"locks": locks, "editable": editable}
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
    # "submit-empty" is the warning's button: the officer has seen the empty
    # results it lists and submits anyway.
    empty_confirmed = action == "submit-empty"
    if empty_confirmed:
        action = "submit"
    if action not in ACTIONS:
        action = "save"
    if not form.is_valid():
        messages.error(request, _("Some entries are not valid: see the marked fields."))
        return _report_page(request, submission, form, status=400, **page)
    service, done = ACTIONS[action]
    kwargs = {"award_target": form.cleaned_data.get("award_target") or None}
    if action == "submit":
        # Empty results are submitted only once the officer has seen them.
        kwargs["empty_confirmed"] = empty_confirmed
    try:
        service(
            submission=submission,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            entries=form.entries(),
            **kwargs,
        )
    except services.EmptyResultsError as error:
        return _report_page(
            request,
            submission,
            form,
            locks=locks,
            editable=editable,
            empty_results=error.names,
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
        signable = pledge.status == Pledge.Status.OPEN and not (
            pledge.signatures.filter(board=request.user.board_id).exists()
        )
        if signable and request.POST.get("confirmed") != "yes":
            # A signature cannot be withdrawn: the first POST shows what is
            # signed and for whom, the second (confirmed) signs.
            return render(
                request,
                "pledges/pledge_detail.html",
                {
                    "pledge": pledge,
                    "signatures": list(pledge.signatures.all()),
                    "confirm_sign": True,
                },
            )
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
