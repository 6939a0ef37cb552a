"""Third-party apps under the office's own names: the admin's sidebar and headings speak Indonesian."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue (documents, e-mail). Same label, so its tables and migrations stay."""

    verbose_name = _("Background tasks")
