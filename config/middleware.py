import logging
import re
import time
import uuid

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

from config.logging import request_context


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language with the switcher.

    Django's own middleware follows the browser's Accept-Language, which would
    greet an official whose browser happens to be set to English in English.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else None
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_logger = logging.getLogger("portal.request")


def _user_of(request) -> int | None:
    """The user's id if the request already loaded it: logging never costs a
    query of its own (pages keep their fixed query counts)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user.pk if user.is_authenticated else None


class _RequestContext(dict):
    """request_id and path fixed at the start; user looked up when logged."""

    def __init__(self, request, request_id):
        super().__init__(request_id=request_id, path=request.path)
        self.request = request

    def get(self, key, default=None):
        if key == "user":
            return _user_of(self.request)
        return super().get(key, default)


class RequestLogMiddleware:
    """Gives each request an id (the proxy's X-Request-ID when it sends a sane
    one), puts it on every log record made meanwhile and on the response, and
    logs one line per request: method, path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_context.set(_RequestContext(request, request_id))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.LOG_REQUESTS:
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_context.reset(token)


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response that
    does not set its own (Django 5.2 has no CSP of its own).

    The policy is one dict in the settings; views listed in
    ``CSP_INLINE_STYLE_VIEWS`` (by namespace or view name) may also use inline
    styles. Scripts are never inline, anywhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            directives = dict(settings.CONTENT_SECURITY_POLICY)
            if self._inline_styles(request):
                directives["style-src"] = [
                    *directives.get("style-src", ["'self'"]),
                    "'unsafe-inline'",
                ]
            response["Content-Security-Policy"] = _policy(directives)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response

    @staticmethod
    def _inline_styles(request) -> bool:
        match = getattr(request, "resolver_match", None)
        if match is None:
            return False
        allowed = set(settings.CSP_INLINE_STYLE_VIEWS)
        return match.view_name in allowed or bool(allowed & set(match.namespaces))
