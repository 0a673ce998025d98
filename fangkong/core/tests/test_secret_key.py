"""The secret key: from the environment, else (DEBUG, `make run`) this installation's own random
key kept under the var directory; never a constant written in the source."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fangkong import keyfiles

ROOT = Path(__file__).resolve().parents[3]


def settings_in_subprocess(var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the real settings in a fresh interpreter; print SECRET_KEY."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(
        {
            "FANGKONG_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_without_a_key_makes_a_random_one_under_the_var_dir_and_keeps_it(tmp_path):
    first = settings_in_subprocess(tmp_path / "one", DEBUG="1")
    again = settings_in_subprocess(tmp_path / "one", DEBUG="1")
    other = settings_in_subprocess(tmp_path / "two", DEBUG="1")

    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    stored = tmp_path / "one" / "secret_key"
    assert key == stored.read_text().strip()
    assert len(key) >= 50
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert again.stdout.strip() == key
    assert other.stdout.strip() not in {"", key}


def test_a_key_from_the_environment_wins_and_no_file_is_made(tmp_path):
    done = settings_in_subprocess(tmp_path, DEBUG="1", SECRET_KEY="from-the-environment-" * 3)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "from-the-environment-" * 3
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("extra", [{}, {"FANGKONG_ALLOW_INSECURE_KEY": "1"}])
def test_without_debug_and_without_a_key_the_app_refuses_to_start(tmp_path, extra):
    done = settings_in_subprocess(tmp_path, DEBUG="0", **extra)

    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr
    assert not (tmp_path / "secret_key").exists()


def test_the_settings_hold_no_constant_key():
    source = (ROOT / "fangkong" / "settings.py").read_text()
    assert "INSECURE_KEY" not in source
    assert "ALLOW_INSECURE" not in source


def test_keyfiles_makes_different_keys_in_different_places_and_reads_back_the_same(tmp_path):
    a = keyfiles.load_or_create(tmp_path / "a" / "key")
    b = keyfiles.load_or_create(tmp_path / "b" / "key")

    assert a != b
    assert keyfiles.load_or_create(tmp_path / "a" / "key") == a
    assert stat.S_IMODE((tmp_path / "a" / "key").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["key"]  # no temporary file left
