from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from blocs import hooks, permissions, selectors


@require_safe
@login_required
def home(request):
    """Send each role to its place."""
    user = request.user
    if permissions.is_board_officer(user):
        return redirect("blocs:board")
    if permissions.is_ministry_viewer(user):
        # A higher app may offer a richer page (reports: the ministry overview);
        # the foundation only knows its own read-only overview.
        return redirect(getattr(settings, "MINISTRY_HOME", "blocs:overview"))
    if user.is_superuser or permissions.is_secretariat(user):
        return redirect("admin:index")
    return render(request, "blocs/no_role.html", status=403)


@require_safe
@login_required
def board_page(request):
    """A board officer's own board: its bloc, years, roles and stages."""
    if not permissions.is_board_officer(request.user):
        raise PermissionDenied
    memberships = list(selectors.memberships_list_for_board(user=request.user))
    links = hooks.board_year_links(request.user, [m.bloc_year_id for m in memberships])
    for membership in memberships:
        membership.links = links.get(membership.bloc_year_id, [])
    return render(
        request,
        "blocs/board_detail.html",
        {"board": request.user.board, "memberships": memberships},
    )


@require_safe
@login_required
def overview(request):
    """Read-only overview of every bloc and year, for the ministry."""
    if not permissions.sees_everything(request.user):
        raise PermissionDenied
    blocs = list(selectors.blocs_list_for_overview(user=request.user))
    return render(request, "blocs/bloc_overview.html", {"blocs": blocs})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; the form is told the request (its throttle counts per
    client address)."""

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}
