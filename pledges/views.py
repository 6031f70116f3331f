import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from blocs.caching import Recent
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


# The content of a GET's page (an unbound form) is kept in the pages' cache:
# everything between the header and the footer, the report table with its
# flagged indicators and evidence files included. Its key holds everything it
# is made of, read in the query that fetches the submission
# (``selectors.submission_get_for_form``), so it is never served after any of
# it changed: the submission's version and last save (figures, status, flags,
# award, files), the locks' texts as they stand today and whether the reader
# may edit (which inputs are disabled), the language, the bloc's and the
# board's current names (a rename changes them, and with them the name the
# board bore that year), the year's indicators (count, largest id), the
# board's approved reports of the year before (the "last year" column) and
# the latest admin edit (indicators, figures, files or former names changed in
# the admin). It is rendered without the request: each CSRF input is a slot
# (``CSRF_SLOT``, an HTML comment no escaped text can contain) that the view
# fills with the response's own token, and nothing else of the reader enters
# it (the header, the messages and the reader's name come from base.html). A
# restore clears the whole pages' cache (reports.cache.pages_forget); a write
# outside services and the admin must too.
PAGE_CACHE = "pages"
PAGE_TIMEOUT = 15 * 60
PAGE_TEMPLATE = "pledges/submission_form.html"
CONTENT_TEMPLATE = "pledges/includes/_report_page.html"
TABLE_TEMPLATE = "pledges/includes/_report_table.html"
CSRF_SLOT = mark_safe("<!--csrf-->")
# This process's copies of the pages it built or read lately (``_cached_parts``).
PAGE_COPIES = Recent(32)


def csrf_input(token: str) -> str:
    """What ``{% csrf_token %}`` writes for ``token``."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
    )


def _page_key(submission, *, locks, editable: bool, form_kwargs: dict) -> str:
    board, bloc = submission.board, submission.bloc_year.bloc
    texts = (
        bloc.name,
        board.name,
        board.short_name,
        board.province,
        board.name_inferred,
        locks.notice,
        locks.plans,
        locks.values,
    )
    parts = [
        submission.pk,
        submission.version,
        submission.updated_at.timestamp(),
        translation.get_language(),
        int(editable),
        int(form_kwargs["plans_locked"]),
        int(form_kwargs["values_locked"]),
        submission.table_version,
        # The texts as one short digest (the cache's keys have a length
        # limit); the same in every process, unlike ``hash()``.
        hashlib.blake2b(repr(texts).encode(), digest_size=12).hexdigest(),
    ]
    return "pledges:page:" + ":".join(map(str, parts))


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


def _page_parts(submission, form, *, locks, editable, empty_results=()) -> dict:
    """The page's title and content, rendered without the request (see
    ``CSRF_SLOT``); ``empty_results``: the results a submit would leave
    empty, to confirm."""
    # The page names the board as it was called that year.
    boards_named_in([submission.board], year=submission.bloc_year.year)
    table = _table(submission, form)
    content = render_to_string(
        CONTENT_TEMPLATE,
        {
            "submission": submission,
            # Rendered by Django's templates, escaped there.
            "report_table": mark_safe(table["html"]),  # noqa: S308
            "locks": locks,
            "editable": editable,
            "evidence": table["evidence"],
            "evidence_form": EvidenceForm(initial={"version": submission.version}),
            "flagged": table["flagged"],
            "empty_results": empty_results,
            "csrf_input": CSRF_SLOT,
        },
    )
    return {
        "title": f"{submission.board.short_name} {submission.bloc_year.year}",
        "content": content,
    }


def _page(request, parts: dict, *, status=200):
    """The page around ``_page_parts``, each CSRF slot filled with this
    response's token, the one the header's forms carry too (each masking of
    the secret costs the random draws of a new token)."""
    token = get_token(request)
    content = parts["content"].replace(CSRF_SLOT, csrf_input(token))
    return render(
        request,
        PAGE_TEMPLATE,
        {
            "title": parts["title"],
            # Rendered by Django's templates, escaped there (here or before
            # it was cached); the token's input is escaped by format_html.
            "content": mark_safe(content),  # noqa: S308
            "csrf_token": token,
        },
        status=status,
    )


def _report_page(
    request, submission, form, *, locks, editable, status=200, empty_results=()
):
    """The page of a form posted (never cached)."""
    parts = _page_parts(
        submission, form, locks=locks, editable=editable, empty_results=empty_results
    )
    return _page(request, parts, status=status)


def _form_kwargs(values, locks, editable) -> dict:
    return {
        "values": values,
        "plans_locked": bool(locks.plans) or not editable,
        "values_locked": bool(locks.values) or not editable,
    }


def _cached_parts(cache, key: str) -> dict | None:
    """The page's parts kept under ``key``, or None. The shared cache holds a
    random stamp under the key and the parts under the key and the stamp;
    this process keeps copies by both (``PAGE_COPIES``), so a GET of a page
    it already holds reads the stamp (a few bytes), not the parts (some
    100 kB). A cleared cache (a restore, a write outside the services) has
    no stamp: no copy is served after it."""
    stamp = cache.get(key)
    if stamp is None:
        return None
    kept = f"{key}:{stamp}"
    parts = PAGE_COPIES.get(kept)
    if parts is None:
        parts = cache.get(kept)
        if parts is not None:
            PAGE_COPIES.put(kept, parts)
    return parts


def _store_parts(cache, key: str, parts: dict) -> None:
    stamp = secrets.token_hex(8)
    cache.set_many({key: stamp, f"{key}:{stamp}": parts}, PAGE_TIMEOUT)
    PAGE_COPIES.put(f"{key}:{stamp}", parts)


def _report_get(request, pk):
    submission = selectors.submission_get_for_form(user=request.user, pk=pk)
    locks = services.submission_locks(submission)
    editable = can_edit_submission(request.user, submission)
    form_kwargs = _form_kwargs(None, locks, editable)
    cache = caches[PAGE_CACHE]
    key = _page_key(submission, locks=locks, editable=editable, form_kwargs=form_kwargs)
    parts = _cached_parts(cache, key)
    if parts is None:
        values = selectors.values_of(submission)
        form_kwargs["values"] = values
        initial = ReportForm.initial_for(submission, values)
        form = ReportForm(initial=initial, **form_kwargs)
        parts = _page_parts(submission, form, locks=locks, editable=editable)
        _store_parts(cache, key, parts)
    return _page(request, parts)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def submission_detail(request, pk):
    """A board's registration and results for a year: its own officers edit
    what the locks allow; the secretariat and the ministry read."""
    if request.method != "POST":
        return _report_get(request, pk)
    submission = selectors.submission_get_for_user(user=request.user, pk=pk)
    values = selectors.values_of(submission)
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
