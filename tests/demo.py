"""The demo data loaded once for a test module or class, rolled back after it."""

import io
from collections.abc import Iterator

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


def demo_loaded(django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """Run load_demo (seconds: it renders and publishes the year-end PDFs) in
    a transaction rolled back afterwards, with media in a temporary folder;
    yields its output. Each test then runs in a savepoint inside it. Use from a
    fixture of module or class scope: ``yield from demo_loaded(...)``."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        out = io.StringIO()
        call_command("load_demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    media.disable()
