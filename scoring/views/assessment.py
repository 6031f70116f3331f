"""The board page of scoring: a board's self-assessment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blocs.permissions import is_board_officer
from scoring import services
from scoring.forms import SelfAssessmentForm
from scoring.models import Assessment, Criterion, Score, ScoringScale
from scoring.permissions import can_self_assess
from scoring.views.common import _bloc_year_get_for_user

# Criteria a board assesses itself: everything not computed from an indicator.
HAND_KINDS = (Criterion.Kind.ASSESSED, Criterion.Kind.BONUS, Criterion.Kind.PENALTY)


def _self_assessment_page(request, bloc_year, scale, form, editable, bloc, status=200):
    score = (
        Score.objects.filter(bloc_year=bloc_year, board=request.user.board_id)
        .values_list("pk", flat=True)
        .first()
    )
    return render(
        request,
        "scoring/assessment_form.html",
        {
            "bloc_year": bloc_year,
            "score": score,
            "scale": scale,
            "form": form,
            "rows": [
                (criterion, points, comment, bloc.get(criterion.pk))
                for criterion, points, comment in (form.rows() if form else [])
            ],
            "editable": editable,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def self_assessment(request, pk):
    """A board's own points for the criteria given by hand, beside the bloc's.

    ``services.self_assessment_save`` saves the changed criteria all or
    nothing.
    """
    user = request.user
    if not is_board_officer(user):
        raise PermissionDenied
    bloc_year = _bloc_year_get_for_user(user=user, pk=pk)  # its member years only
    scale = (
        ScoringScale.objects.filter(bloc_year=bloc_year)
        .select_related("bloc_year")
        .first()
    )
    if scale is None or scale.status != ScoringScale.Status.FROZEN:
        if request.method == "POST":
            messages.error(request, _("Assessment opens when the scale is frozen."))
            return redirect("scoring:self_assessment", pk=bloc_year.pk)
        return _self_assessment_page(request, bloc_year, scale, None, False, {})
    editable = can_self_assess(user, bloc_year)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    criteria = list(
        scale.criteria.filter(
            Q(kind__in=HAND_KINDS) | Q(kind=Criterion.Kind.YES_NO, indicator_code="")
        )
        .select_related("parent")
        .order_by("order", "code")
    )
    own, bloc = {}, {}
    for a in Assessment.objects.filter(criterion__scale=scale, board=user.board_id):
        (own if a.source == Assessment.Source.SELF else bloc)[a.criterion_id] = a
    data = request.POST if request.method == "POST" else None
    form = SelfAssessmentForm(data, criteria=criteria, own=own)
    if request.method != "POST":
        return _self_assessment_page(request, bloc_year, scale, form, editable, bloc)
    if not form.is_valid():
        messages.error(request, _("Some entries are not valid: see the marked fields."))
        stale = form.has_error(NON_FIELD_ERRORS, "stale")
        return _self_assessment_page(
            request,
            bloc_year,
            scale,
            form,
            editable,
            bloc,
            status=409 if stale else 400,
        )
    try:
        services.self_assessment_save(changes=list(form.changes()), actor=user)
    except services.SelfAssessmentRefused as error:
        form.add_error(f"points_{error.criterion.pk}", error.messages)
        return _self_assessment_page(
            request, bloc_year, scale, form, editable, bloc, status=400
        )
    messages.success(request, _("Self-assessment saved."))
    return redirect("scoring:self_assessment", pk=bloc_year.pk)
