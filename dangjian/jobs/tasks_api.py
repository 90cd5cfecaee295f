"""The one place that names the tasks library. Django 6 ships the same API as `django.tasks`;
moving to it changes only these imports (and TASKS' BACKEND stays django_tasks_db's)."""

from django_tasks import default_task_backend, task, task_backends

__all__ = ["default_task_backend", "task", "task_backends"]
