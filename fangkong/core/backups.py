"""Backups of an installation: the database and the uploaded files, in one private archive.

An archive is a `.tar.gz` (mode 0600) holding

    manifest.json        what it is: format, database engine, when, how many rows per table
    database.sqlite3     SQLite: a copy made with SQLite's online backup API, consistent
                         while the app keeps serving
    database.pgdump      PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`
    media/...            every file under MEDIA_ROOT (photos, import files)

Keys are not in it: the secret key and the data key (kept in the var directory or the
environment) must be backed up separately, and kept apart from the archives.

`restore` replaces the database and MEDIA_ROOT with an archive's. SQLite: the archive's copy is
checked (`PRAGMA integrity_check`) and written into the live database with the backup API, in
one step, so readers never see half of it and the -wal file stays consistent. PostgreSQL:
`pg_restore --clean --if-exists --single-transaction`: all or nothing. Media: unpacked beside
MEDIA_ROOT and swapped in by renaming, so a failure leaves the old files in place.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.errors import DomainError

FORMAT = "fangkong-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"


@dataclass(frozen=True, slots=True)
class Manifest:
    format: str
    engine: str
    created_at: str
    database: str
    tables: dict[str, int]
    media_files: int

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": self.format,
                "engine": self.engine,
                "created_at": self.created_at,
                "database": self.database,
                "tables": self.tables,
                "media_files": self.media_files,
            },
            ensure_ascii=False,
            indent=1,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise DomainError(
                _(
                    "This file is not a Fangkong backup (or one of a format this version "
                    "cannot read)."
                )
            )
        return cls(
            format=raw["format"],
            engine=raw["engine"],
            created_at=raw["created_at"],
            database=raw["database"],
            tables={str(k): int(v) for k, v in raw["tables"].items()},
            media_files=int(raw["media_files"]),
        )


def engine(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in (SQLITE, POSTGRESQL):
        raise DomainError(_("Backups are made of SQLite and PostgreSQL databases only."))
    return vendor


def table_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per table of the database, as a backup's manifest records them."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        quote = connection.ops.quote_name
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"fangkong-{stamp}.tar.gz"


def backup(output: Path, *, alias: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write an archive of the database and MEDIA_ROOT to `output` (which must not exist)."""
    output = output.absolute()
    if output.exists():
        raise DomainError(
            _("%(path)s already exists: give another --output path.") % {"path": output}
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    kind = engine(alias)
    media = Path(settings.MEDIA_ROOT)
    with _private_dir(output.parent) as work:
        if kind == SQLITE:
            dump, member = work / SQLITE_MEMBER, SQLITE_MEMBER
            _sqlite_copy(alias, dump)
        else:
            dump, member = work / PG_MEMBER, PG_MEMBER
            _pg_run("pg_dump", ["-Fc", "--no-owner", "--no-acl", "-f", str(dump)], alias)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        manifest = Manifest(
            format=FORMAT,
            engine=kind,
            created_at=timezone.now().isoformat(),
            database=str(connections[alias].settings_dict["NAME"]),
            # SQLite: counted in the copy itself. PostgreSQL: in the live database just after
            # pg_dump's snapshot (the same while nothing writes).
            tables=_sqlite_counts(dump) if kind == SQLITE else table_counts(alias),
            media_files=len(files),
        )
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            info = tarfile.TarInfo(MANIFEST)
            data = manifest.to_json()
            info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=member)
            for path in files:
                tar.add(path, arcname=f"{MEDIA_PREFIX}/{path.relative_to(media).as_posix()}")
        partial.chmod(0o600)
        os.replace(partial, output)
    return manifest


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except FileNotFoundError:
        raise DomainError(_("There is no file %(path)s.") % {"path": archive}) from None
    except (tarfile.TarError, KeyError, ValueError, OSError, EOFError):
        raise DomainError(
            _("%(path)s is not a Fangkong backup archive, or it is damaged.") % {"path": archive}
        ) from None


def restore(archive: Path, *, alias: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Replace the database and MEDIA_ROOT with the archive's."""
    manifest = read_manifest(archive)
    kind = engine(alias)
    if manifest.engine != kind:
        raise DomainError(
            _(
                "This backup is of a %(backup)s database and this installation uses "
                "%(current)s: restore it into an installation with the same kind of database."
            )
            % {"backup": manifest.engine, "current": kind}
        )
    media = Path(settings.MEDIA_ROOT).absolute()
    media.parent.mkdir(parents=True, exist_ok=True)
    with _private_dir(media.parent) as work, tarfile.open(archive, "r:gz") as tar:
        member = SQLITE_MEMBER if kind == SQLITE else PG_MEMBER
        new_media = work / MEDIA_PREFIX
        new_media.mkdir()
        try:
            tar.extract(member, work, filter=_private)
            for info in tar.getmembers():
                if info.name.startswith(f"{MEDIA_PREFIX}/"):
                    tar.extract(info, work, filter=_private)
        except (tarfile.TarError, KeyError, EOFError, OSError):
            # A damaged archive, or a member that would land outside (tar's "data" filter).
            raise DomainError(
                _("%(path)s is not a Fangkong backup archive, or it is damaged.")
                % {"path": archive}
            ) from None
        if kind == SQLITE:
            _sqlite_restore(work / member, alias)
        else:
            _pg_run(
                "pg_restore",
                [
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-acl",
                    "--single-transaction",
                    "--exit-on-error",
                    str(work / member),
                ],
                alias,
                restore=True,
            )
        _swap_media(new_media, media, work)
    return manifest


def _private(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo:
    """Tar's "data" filter (no links out, no absolute paths, no devices), owner-only modes."""
    safe = tarfile.data_filter(member, dest)
    return safe.replace(mode=0o600 if safe.isfile() else 0o700, deep=False)


def _sqlite_copy(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
    target.chmod(0o600)


def _sqlite_counts(path: Path) -> dict[str, int]:
    copy = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: copy.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        copy.close()


def _sqlite_restore(copy_path: Path, alias: str) -> None:
    copy = sqlite3.connect(copy_path)
    try:
        result = copy.execute("PRAGMA integrity_check").fetchone()
        has_migrations = copy.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
        if result != ("ok",) or not has_migrations:
            raise DomainError(
                _("The database in the backup is damaged; nothing was changed. Use another backup.")
            )
        connection = connections[alias]
        connection.ensure_connection()
        copy.backup(connection.connection)
    finally:
        copy.close()


def _swap_media(new: Path, media: Path, work: Path) -> None:
    old = work / "previous-media"
    if media.exists():
        os.replace(media, old)
    os.replace(new, media)
    media.chmod(0o700)


def _pg_run(tool: str, args: list[str], alias: str, *, restore: bool = False) -> None:
    program = shutil.which(tool)
    if program is None:
        raise DomainError(
            _(
                "%(tool)s was not found: install the PostgreSQL client programs (for example "
                "`apt-get install postgresql-client`, of the server's version or newer) and "
                "try again."
            )
            % {"tool": tool}
        )
    params = connections[alias].settings_dict
    env = {**os.environ, "PGDATABASE": str(params["NAME"])}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if params.get(key):
            env[name] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])  # not on the command line, where ps shows it
    if restore:
        # A running app holds locks on its tables: give up instead of waiting for ever.
        env["PGOPTIONS"] = "-c lock_timeout=10s"
        args = ["-d", str(params["NAME"]), *args]
        connections[alias].close()
    done = subprocess.run([program, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.strip()[-2000:]
        if restore:
            raise DomainError(
                _(
                    "pg_restore failed and the database was left as it was. Stop the web "
                    "server and the background worker, then try again. Its message: %(detail)s"
                )
                % {"detail": detail}
            )
        raise DomainError(_("pg_dump failed. Its message: %(detail)s") % {"detail": detail})


@contextmanager
def _private_dir(near: Path) -> Iterator[Path]:
    """A temporary directory (0700) beside `near`, so the final renames stay on one disk."""
    path = Path(tempfile.mkdtemp(prefix=".fangkong-backup-", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def describe(manifest: Manifest) -> dict[str, Any]:
    """What an archive holds, for the confirmation prompt and the audit entry."""
    created = dt.datetime.fromisoformat(manifest.created_at)
    return {
        "created": timezone.localtime(created).strftime("%Y-%m-%d %H:%M:%S"),
        "engine": manifest.engine,
        "database": manifest.database,
        "rows": sum(manifest.tables.values()),
        "tables": len(manifest.tables),
        "media_files": manifest.media_files,
    }
