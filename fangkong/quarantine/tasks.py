"""Background tasks of the quarantine app (django-tasks): run by `fangkong db_worker`, inline
in tests."""

from __future__ import annotations

from django_tasks import task

from . import lab_jobs


@task()
def check_lab_import(job_id: int) -> None:
    lab_jobs.run_check(job_id)


@task()
def apply_lab_import(job_id: int) -> None:
    lab_jobs.run_apply(job_id)
