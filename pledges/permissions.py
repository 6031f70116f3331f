"""Who may see and change pledges and submissions (paired with querysets)."""

from django.db.models import QuerySet

from blocs.permissions import is_board_officer, is_secretariat, sees_everything
from pledges.models import (
    Evidence,
    ExchangeRate,
    Indicator,
    Pledge,
    Submission,
    ValidationRule,
)


def submissions_visible_to(user) -> QuerySet[Submission]:
    if sees_everything(user):
        return Submission.objects.all()
    if is_secretariat(user):
        return Submission.objects.filter(bloc_year__bloc=user.bloc_id)
    if is_board_officer(user):
        return Submission.objects.filter(board=user.board_id)
    return Submission.objects.none()


def can_view_submission(user, submission: Submission) -> bool:
    """``submissions_visible_to`` for one submission already read (with its
    bloc-year's ``bloc_id``); a test holds the two together."""
    if sees_everything(user):
        return True
    if is_secretariat(user):
        return submission.bloc_year.bloc_id == user.bloc_id
    if is_board_officer(user):
        return submission.board_id == user.board_id
    return False


def evidence_visible_to(user) -> QuerySet[Evidence]:
    return Evidence.objects.filter(submission__in=submissions_visible_to(user))


def pledges_visible_to(user) -> QuerySet[Pledge]:
    if sees_everything(user):
        return Pledge.objects.all()
    if is_secretariat(user):
        return Pledge.objects.filter(bloc_year__bloc=user.bloc_id)
    if is_board_officer(user):
        return Pledge.objects.filter(bloc_year__memberships__board=user.board_id)
    return Pledge.objects.none()


def indicators_visible_to(user) -> QuerySet[Indicator]:
    if sees_everything(user):
        return Indicator.objects.all()
    if is_secretariat(user):
        return Indicator.objects.filter(bloc_year__bloc=user.bloc_id)
    return Indicator.objects.none()


def rules_visible_to(user) -> QuerySet[ValidationRule]:
    if sees_everything(user):
        return ValidationRule.objects.all()
    if is_secretariat(user):
        return ValidationRule.objects.filter(bloc_year__bloc=user.bloc_id)
    return ValidationRule.objects.none()


def exchange_rates_visible_to(user) -> QuerySet[ExchangeRate]:
    """Paired with ``can_manage_year``, which says who may set one."""
    if sees_everything(user):
        return ExchangeRate.objects.all()
    if is_secretariat(user):
        return ExchangeRate.objects.filter(bloc_year__bloc=user.bloc_id)
    return ExchangeRate.objects.none()


def can_edit_submission(user, submission: Submission) -> bool:
    """Only the board's own officers fill in its figures; whether the form is
    open (deadline, status) is the services' business (see locks)."""
    return is_board_officer(user) and submission.board_id == user.board_id


def can_review_submission(user, submission: Submission) -> bool:
    if submission.bloc_year.status == "closed":
        return False
    return user.is_superuser or (
        is_secretariat(user) and submission.bloc_year.bloc_id == user.bloc_id
    )


def can_sign_pledge(user, pledge: Pledge) -> bool:
    return (
        is_board_officer(user)
        and pledge.bloc_year.memberships.filter(board=user.board_id).exists()
    )


def can_manage_year(user, bloc_year) -> bool:
    """Set up the catalogue, rules and pledge of a year: its secretariat."""
    if bloc_year.status == "closed":
        return False
    return user.is_superuser or (
        is_secretariat(user) and bloc_year.bloc_id == user.bloc_id
    )
