"""Background tasks of the masstesting app (django-tasks): run by `fangkong db_worker`, inline
in tests."""

from __future__ import annotations

from django_tasks import task

from . import result_jobs


@task()
def check_round_import(job_id: int) -> None:
    result_jobs.run_check(job_id)


@task()
def apply_round_import(job_id: int) -> None:
    result_jobs.run_apply(job_id)
