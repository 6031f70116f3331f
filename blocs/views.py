import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_otp import login as otp_login
from django_otp import match_token

from blocs import hooks, permissions, selectors, two_factor
from blocs.forms import TwoFactorCodeForm

auth_logger = logging.getLogger("portal.auth")


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


def _next_url(request) -> str:
    """Where to go once the second factor is passed: the page first asked
    for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _passed(request, device) -> None:
    """The session has passed the second factor with this device."""
    request.session.cycle_key()  # a new session id for the stronger session
    otp_login(request, device)
    request.session[two_factor.SESSION_KEY] = True


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Turn the second factor on (QR code, then a first code), see how many
    recovery codes are left, or get new ones."""
    user = request.user
    if not two_factor.can_use_two_factor(user):
        raise PermissionDenied
    enrolled = two_factor.two_factor_enrolled(user)
    if enrolled and not user.is_verified():
        request.session[two_factor.SESSION_KEY] = True
        return redirect(_with_next("two_factor_verify", request))
    context = {"next": _next_url(request), "enrolled": enrolled}
    if enrolled:
        if request.method == "POST":
            codes = two_factor.recovery_codes_renew(user=user)
            return render(request, "blocs/two_factor_codes.html", {"codes": codes})
        context["codes_left"] = two_factor.recovery_codes_left(user)
        return render(request, "blocs/two_factor_setup.html", context)
    device = two_factor.totp_device_pending(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = (device.verify_is_allowed()[1] or {}).get("locked_until")
        try:
            if wait:
                raise ValueError("throttled")
            codes = two_factor.totp_device_confirm(
                user=user, device=device, token=form.cleaned_data["code"]
            )
        except ValueError:
            form.add_error("code", _wrong_code(wait))
            status = 400
        else:
            device.refresh_from_db()
            _passed(request, device)
            auth_logger.info(
                "two-factor sign-in turned on",
                extra={"event": "two_factor.enabled", "username": user.username},
            )
            return render(
                request,
                "blocs/two_factor_codes.html",
                {"codes": codes, "next": context["next"]},
            )
    elif request.method == "POST":
        status = 400
    context |= {
        "form": form,
        "qr_svg": mark_safe(two_factor.totp_qr_svg(device)),  # noqa: S308 made by qrcode from our own URL
        "secret": two_factor.totp_secret(device),
    }
    return render(request, "blocs/two_factor_setup.html", context, status=status)


def _wrong_code(wait) -> str:
    """Why a code was refused: wrong, or not even checked because too many
    wrong ones came just before (django-otp's growing wait)."""
    if wait:
        return _(
            "Too many wrong codes. For safety, the next code is checked after %(time)s."
        ) % {"time": time_format(timezone.localtime(wait), "H:i:s")}
    return _("This code is not right. Enter the code the app shows now.")


@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    user = request.user
    if not two_factor.two_factor_required(user, request.session) or (
        user.is_verified()
    ):
        return redirect(_next_url(request))
    if not two_factor.two_factor_enrolled(user):
        return redirect(_with_next("two_factor", request))
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device = None
            wait = two_factor.verify_wait(user)
            if wait is None:
                device = match_token(user, form.cleaned_data["code"])
            if device is not None:
                _passed(request, device)
                auth_logger.info(
                    "second factor accepted",
                    extra={"event": "two_factor.passed", "username": user.username},
                )
                return redirect(_next_url(request))
            auth_logger.warning(
                "second factor refused",
                extra={"event": "two_factor.failed", "username": user.username},
            )
            form.add_error("code", _wrong_code(wait))
    return render(
        request,
        "blocs/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view; the form is told the request (its throttle counts per
    client address)."""

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}
