"""The app label of the registry's file jobs, kept for their tables and migrations.

The resident import and export live in `fangkong.people` (`import_jobs`, `export_jobs`, their
views and pages); their models (`people.job_models`) keep the label `imports`, so their tables,
migrations and audit target types stay as they were. This app holds nothing else.
"""
