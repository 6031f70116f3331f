"""The scoring admin, one module per subdomain; importing them registers them."""

from scoring.admin import rounds, scales, scores  # noqa: F401
