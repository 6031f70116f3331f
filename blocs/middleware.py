"""Sends a session that still owes its second factor to the page where it
pays it (blocs.two_factor), whatever page it asked for."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

from blocs.two_factor import SESSION_KEY, two_factor_required


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware (request.user.is_verified()).

    A user who has turned the second factor on goes to the code page; a
    superuser who has not yet goes to the page that turns it on. Only those
    pages, the logouts, the language switch and static files stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A request without a logged-in session (the health check, static
        # files, the login page) costs no query here.
        session = getattr(request, "session", None)
        if session is None or not session.get(AUTH_SESSION_KEY):
            return self.get_response(request)
        user = request.user
        if not two_factor_required(user, session) or user.is_verified():
            return self.get_response(request)
        target = "two_factor_verify" if session.get(SESSION_KEY) else "two_factor"
        open_paths = {
            reverse("two_factor_verify"),
            reverse("two_factor"),
            reverse("logout"),
            reverse("admin:logout"),
            reverse("set_language"),
        }
        if request.path_info in open_paths or request.path_info.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            return self.get_response(request)
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")
