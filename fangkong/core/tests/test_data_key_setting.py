"""FANGKONG_DATA_KEY: required without DEBUG; made once and kept private with DEBUG."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def settings_in(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with only `env` configured."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FANGKONG_", "DEBUG"))}
    clean.update(
        FANGKONG_VAR_DIR=str(tmp_path), SECRET_KEY="a-secret-key-for-this-test-only", **env
    )
    code = "from django.conf import settings; import fangkong.settings as s; print(s.DATA_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True
    )


def test_without_debug_and_without_the_key_the_app_refuses_to_start(tmp_path):
    done = settings_in(tmp_path, DEBUG="0")
    assert done.returncode != 0 and "FANGKONG_DATA_KEY must be set" in done.stderr
    assert not (tmp_path / "data_key").exists()


def test_a_short_key_is_refused(tmp_path):
    done = settings_in(tmp_path, DEBUG="0", FANGKONG_DATA_KEY="too-short")
    assert done.returncode != 0 and "at least 32 characters" in done.stderr


def test_with_debug_a_key_is_made_once_readable_only_by_its_owner(tmp_path):
    first = settings_in(tmp_path, DEBUG="1")
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    path = tmp_path / "data_key"
    assert path.read_text().strip() == key and len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = settings_in(tmp_path, DEBUG="1")
    assert again.stdout.strip().splitlines()[-1] == key


def test_a_given_key_is_used_as_given(tmp_path):
    key = "a-data-key-given-in-the-environment-0123456789"
    done = settings_in(tmp_path, DEBUG="0", FANGKONG_DATA_KEY=key)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == key
