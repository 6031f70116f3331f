"""Third-party apps under Vietnamese names: the admin shows an app's
``verbose_name`` as it is, and django-tasks-db names itself in English."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
