"""`fangkong backup` and `fangkong restore`: an archive restored into a fresh database has the
same rows per table and the same records, and the uploaded files; restoring asks first."""

from __future__ import annotations

import builtins
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fangkong.core import audit, backups
from fangkong.core.errors import DomainError
from fangkong.core.models import AuditEntry
from fangkong.people.models import Resident

pytestmark = pytest.mark.django_db(transaction=True)

FANGKONG = str(Path(sys.executable).parent / "fangkong")
SAMPLED = ("people_resident", "people_household", "core_user", "core_township")
PHOTO = b"\xff\xd8\xff\xe0 not much of a photo"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "closure" / "2026" / "12" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(PHOTO)
    return settings.MEDIA_ROOT


def rows(cursor: Any, vendor: str, table: str) -> list[Any]:
    """Every row of `table` in id order, in a form both ends give alike."""
    if vendor == "postgresql":
        cursor.execute(f'SELECT t::text FROM "{table}" t ORDER BY t.id')
    else:
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')
    return [tuple(r) for r in cursor.fetchall()]


def counts(cursor: Any, vendor: str) -> dict[str, int]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    names = sorted(r[0] for r in cursor.fetchall())
    found = {}
    for name in names:
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        found[name] = cursor.fetchone()[0]
    return found


def fangkong(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    base.update(
        SECRET_KEY="backup-test-key",
        DJANGO_SETTINGS_MODULE="fangkong.settings",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        **env,
    )
    done = subprocess.run(
        [FANGKONG, *args], env=base, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A second, empty PostgreSQL database to restore into; dropped afterwards."""
    import psycopg

    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    user = params.get("user", "postgres")
    password = f":{params['password']}" if params.get("password") else ""
    host = params.get("host") or "127.0.0.1"
    try:
        yield f"postgres://{user}{password}@{host}:{params.get('port') or 5432}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(
    world, media, tmp_path, request
):
    vendor = connection.vendor
    audit.record(world.user("admin_a"), "update", target_type="people.resident", target_id=1)
    with connection.cursor() as cursor:
        before = counts(cursor, vendor)
        sample = {t: rows(cursor, vendor, t) for t in SAMPLED}
        audit_rows = rows(cursor, vendor, "core_auditentry")
    assert before["people_resident"] == 5 and len(audit_rows) > 0
    archive = tmp_path / "out" / "b.tar.gz"
    out = io.StringIO()
    call_command("backup", output=archive, stdout=out)
    assert mode(archive) == 0o600
    assert str(archive) in out.getvalue()
    assert backups.read_manifest(archive).tables == before
    backup_entry = AuditEntry.objects.get(target_type="fangkong.backup")
    assert backup_entry.action == "export" and backup_entry.target_repr == str(archive)

    target = tmp_path / "target"
    env = {"FANGKONG_VAR_DIR": str(target), "MEDIA_ROOT": str(target / "media")}
    if vendor == "postgresql":
        url = request.getfixturevalue("fresh_postgres")
        env["DATABASE_URL"] = url
    fangkong(env, "restore", str(archive), "--yes")

    if vendor == "postgresql":
        import psycopg

        other: Any = psycopg.connect(url)
    else:
        import sqlite3

        db = target / "fangkong.sqlite3"
        assert mode(db) == 0o600
        other = sqlite3.connect(db, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        cursor = other.cursor()
        after = counts(cursor, vendor)
        # The restore writes one audit entry of its own, after the backup's rows.
        assert after == {**before, "core_auditentry": before["core_auditentry"] + 1}
        for table, expected in sample.items():
            assert rows(cursor, vendor, table) == expected, table
        restored_audit = rows(cursor, vendor, "core_auditentry")
        assert restored_audit[: len(audit_rows)] == audit_rows
        last = restored_audit[-1]
        assert "fangkong.backup" in str(last) and "import" in str(last)
    finally:
        other.close()
    photo = target / "media" / "closure" / "2026" / "12" / "photo.jpg"
    assert photo.read_bytes() == PHOTO
    assert mode(photo) == 0o600 and mode(target / "media") == 0o700


def test_restoring_over_the_live_database_brings_back_what_was_deleted_since(
    world, media, tmp_path
):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    name = world.resident_g1.name
    Resident.objects.filter(pk=world.resident_g1.pk).delete()
    (media / "closure" / "2026" / "12" / "photo.jpg").unlink()
    (media / "later.txt").write_text("written after the backup")

    call_command("restore", str(archive), yes=True, stdout=io.StringIO())

    assert Resident.objects.get(pk=world.resident_g1.pk).name == name
    assert (media / "closure" / "2026" / "12" / "photo.jpg").read_bytes() == PHOTO
    assert not (media / "later.txt").exists()
    assert AuditEntry.objects.filter(target_type="fangkong.backup", action="import").exists()
    assert not list(media.parent.glob(".fangkong-backup-*"))  # no work files left behind


def test_restore_asks_first_and_changes_nothing_unless_told_yes(
    world, media, tmp_path, monkeypatch
):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    Resident.objects.filter(pk=world.resident_g1.pk).delete()

    # No terminal to ask on (a script, cron): refused, saying what would be replaced.
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())
    assert "--yes" in str(refused.value)
    assert str(connection.settings_dict["NAME"]) in str(refused.value)
    assert not Resident.objects.filter(pk=world.resident_g1.pk).exists()

    # At a terminal, anything but yes keeps the database as it is.
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(builtins, "input", lambda prompt="": "no")
    with pytest.raises(CommandError):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert not Resident.objects.filter(pk=world.resident_g1.pk).exists()

    monkeypatch.setattr(builtins, "input", lambda prompt="": "yes")
    call_command("restore", str(archive), stdout=io.StringIO())
    assert Resident.objects.filter(pk=world.resident_g1.pk).exists()


def _archive_with(path: Path, manifest: dict[str, Any], *names: str) -> Path:
    """An archive by hand: the manifest and one-byte files of the given names."""
    members = {backups.MANIFEST: json.dumps(manifest).encode(), **{n: b"x" for n in names}}
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_restore_refuses_a_file_that_is_not_a_backup_or_of_another_engine(db, tmp_path, media):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError):
        call_command("restore", str(junk), yes=True)
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.tar.gz"), yes=True)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest = {
        "format": backups.FORMAT,
        "engine": other,
        "created_at": "2026-12-01T00:00:00+00:00",
        "database": "x",
        "tables": {},
        "media_files": 0,
    }
    with pytest.raises(CommandError, match=other):
        call_command("restore", str(_archive_with(tmp_path / "o.tar.gz", manifest)), yes=True)
    assert (media / "closure" / "2026" / "12" / "photo.jpg").exists()  # untouched


def test_a_backup_never_overwrites_an_existing_file(db, tmp_path, media):
    existing = tmp_path / "b.tar.gz"
    existing.write_text("keep me")
    with pytest.raises(CommandError):
        call_command("backup", output=existing)
    assert existing.read_text() == "keep me"


def test_the_default_archive_goes_to_the_var_directory(db, media, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    out = io.StringIO()
    call_command("backup", stdout=out)
    (archive,) = (tmp_path / "var" / "backups").glob("fangkong-*.tar.gz")
    assert mode(archive) == 0o600
    assert backups.read_manifest(archive).media_files == 1


def test_a_missing_postgresql_client_is_explained(monkeypatch, db):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(DomainError, match="postgresql-client"):
        backups._pg_run("pg_dump", ["--version"], "default")


def test_an_archive_whose_files_would_land_outside_media_is_refused(db, tmp_path, media):
    manifest = {
        "format": backups.FORMAT,
        "engine": connection.vendor,
        "created_at": "2026-12-01T00:00:00+00:00",
        "database": "x",
        "tables": {},
        "media_files": 1,
    }
    archive = _archive_with(
        tmp_path / "evil.tar.gz",
        manifest,
        backups.SQLITE_MEMBER,
        backups.PG_MEMBER,
        "media/../../escaped.txt",
    )
    with pytest.raises(CommandError, match=r"evil\.tar\.gz"):
        call_command("restore", str(archive), yes=True)
    assert not (tmp_path / "escaped.txt").exists()
    assert (media / "closure" / "2026" / "12" / "photo.jpg").exists()
