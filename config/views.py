"""Project-level views that belong to no app."""

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("portal.health")


@never_cache
@require_safe
def healthz(request):
    """For the load balancer and the monitoring: 200 when this app server can
    reach its database, 503 otherwise. No login, no data in the answer.

    A task worker that has left a due task waiting for TASKS_STALLED_MINUTES
    (stopped, crashed, stuck) makes the answer ``"status": "degraded"`` with
    ``"tasks": "stalled"``, still 200: the pages work, so the load balancer
    keeps the server, while the monitoring, which reads the body, alerts."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        stalled = tasks_stalled()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if stalled:
        logger.error("health check: task worker stalled")
        return JsonResponse({"status": "degraded", "tasks": "stalled"})
    return JsonResponse({"status": "ok"})


def tasks_stalled() -> bool:
    """A task due for longer than TASKS_STALLED_MINUTES has not been picked
    up (one indexed query on the task table)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    cutoff = timezone.now() - dt.timedelta(minutes=settings.TASKS_STALLED_MINUTES)
    return (
        DBTaskResult.objects.ready()
        .filter(
            Q(run_after=get_date_max(), enqueued_at__lte=cutoff)
            | Q(run_after__lte=cutoff)
        )
        .exists()
    )
