"""``Authorization: Token <secret>``: the token acts as its user."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from reports.models import ApiToken
from reports.services import api_token_digest

KEYWORDS = {"token", "bearer"}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """One query: the token by the SHA-256 of the secret, with its user.
    A revoked token, or one whose user was deactivated, is refused."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: send “Token <secret>”.")
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=api_token_digest(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema (found by drf-spectacular on import)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <secret> (issued in the admin)",
        }
