"""Files of the installation are readable by their owner only.

The SQLite database (with its -wal and -shm files), uploads, export files, progress files,
backups and the var directory all hold personal data. Rather than give a mode at each of the
places that create a file (Django's storage, SQLite, XlsxWriter, the backup command, and
whatever comes next), the process's umask is set to 077 when the settings load, which every
entry point does first: `fangkong` commands, `manage.py`, gunicorn's workers (`fangkong.wsgi`)
and the background worker. A file is then created 0600 and a directory 0700 whoever creates
it; SQLite gives the -wal and -shm files the database file's own mode. Uploads also get their
modes explicitly (FILE_UPLOAD_PERMISSIONS), because Django chmods them after writing.

A database file left readable by an older version is made private when the settings load.
Imported by `settings`, so it imports nothing from Django or the project.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")

logger = logging.getLogger(__name__)


def keep_private(var_dir: Path, sqlite_path: Path | None) -> None:
    """Set the umask, make `var_dir` (0700 when new) and tighten an existing SQLite file."""
    os.umask(PRIVATE_UMASK)
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if sqlite_path is not None:
        for suffix in SQLITE_COMPANIONS:
            _tighten(Path(f"{sqlite_path}{suffix}"))


def _tighten(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
    except FileNotFoundError:
        return
    except OSError as exc:  # not ours to change: say so, do not stop the process
        logger.warning("%s is readable by others and could not be made private: %s", path, exc)
