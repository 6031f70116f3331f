"""The pledges admin, one module per subdomain; importing them registers them."""

from pledges.admin import catalogue, review, values, years  # noqa: F401
