"""Files that hold personal data are readable by their owner only: the var directory, the
SQLite database with its -wal and -shm files, uploads and export files."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from fangkong.people.job_models import ExportJob, ExportStatus
from fangkong.people.tasks import export_residents

FANGKONG = str(Path(sys.executable).parent / "fangkong")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fangkong(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `fangkong` command on a fresh SQLite database in `var`, started with the usual
    umask of a login shell (022), which would leave new files readable by everyone."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    env.update(
        FANGKONG_VAR_DIR=str(var),
        SECRET_KEY="file-modes-test-key",
        DJANGO_SETTINGS_MODULE="fangkong.settings",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    return subprocess.run(
        [FANGKONG, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )


WRITE_AND_STAT = """
import json, os, stat
from django.conf import settings
from django.contrib.auth.models import Group
Group.objects.create(name="file-modes")
db = str(settings.DATABASES["default"]["NAME"])
print(json.dumps({s: stat.S_IMODE(os.stat(db + s).st_mode) for s in ("", "-wal", "-shm")}))
"""


def test_migrate_makes_a_private_var_directory_and_database(tmp_path):
    var = tmp_path / "var"
    fangkong(var, "migrate", "--no-input")
    db = var / "fangkong.sqlite3"
    assert mode(var) == 0o700
    assert mode(db) == 0o600
    # A database left readable by an older version is made private at the next start; while
    # a connection writes, the write-ahead log and its index exist: private too.
    os.chmod(db, 0o644)
    modes = json.loads(fangkong(var, "shell", "-c", WRITE_AND_STAT).stdout.strip().splitlines()[-1])
    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


def test_an_upload_and_its_directory_are_private(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("imports/2026/12/rows.xlsx", ContentFile(b"PK\x03\x04 rows"))
    path = Path(default_storage.path(name))
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(settings.MEDIA_ROOT / "imports") == 0o700


def test_an_export_file_is_private(settings, tmp_path, world):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = world.user("leader_a1")
    job = ExportJob.objects.create(
        created_by=user,
        township_id=user.township_id,
        community_id=user.community_id,
        query="",
        filename="x.xlsx",
        language="en",
    )
    export_residents.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.message
    path = Path(job.file.path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
