"""Request rates per token (or user) and per anonymous address, counted in
the ``api_throttle`` cache (settings.py says how to share it)."""

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.settings import api_settings


class _Rates:
    @property
    def cache(self):
        return caches["api_throttle"]

    def get_rate(self):
        # Read at each request, not once at import, so that settings apply.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class AnonThrottle(_Rates, throttling.AnonRateThrottle):
    scope = "api_anon"


class TokenThrottle(_Rates, throttling.UserRateThrottle):
    scope = "api_user"
