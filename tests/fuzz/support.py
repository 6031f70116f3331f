"""Shared helpers of the property tests: state that each example resets."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.messages import constants, get_messages
from django.db import transaction


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example inside a savepoint that is always rolled back, so the
    next example starts from the same rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def fresh(client):
    """The client without the messages of earlier examples (a redirect leaves
    them in a cookie until a page shows them)."""
    client.cookies.pop("messages", None)
    return client


def succeeded(response) -> bool:
    """Whether a page that answers with a redirect reported success."""
    return any(
        m.level == constants.SUCCESS for m in get_messages(response.wsgi_request)
    )
