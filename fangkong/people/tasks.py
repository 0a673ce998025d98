"""Background tasks (django-tasks): run by `fangkong db_worker`, inline in tests."""

from __future__ import annotations

from django_tasks import task

from . import export_jobs, import_jobs


@task()
def check_import(job_id: int) -> None:
    import_jobs.run_check(job_id)


@task()
def import_residents(job_id: int) -> None:
    import_jobs.run_import(job_id)


@task()
def export_residents(job_id: int) -> None:
    export_jobs.run_export(job_id)
