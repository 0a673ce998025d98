"""The `.env` file is read before any setting, FANGKONG_VAR_DIR included (issue 11 item 7)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT = (
    "from django.conf import settings; "
    "print(settings.VAR_DIR); print(settings.DATABASES['default']['NAME']); "
    "print(settings.MEDIA_ROOT)"
)


def settings_with(env_file: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "FANGKONG_VAR_DIR", "DATABASE_URL", "MEDIA_ROOT"}
        and not k.startswith("FANGKONG_DATA_KEY")
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "fangkong.settings", "FANGKONG_ENV_FILE": str(env_file), **env}
    )
    return subprocess.run(
        [sys.executable, "-c", PRINT], env=clean, cwd=ROOT, capture_output=True, text=True
    )


def test_the_var_dir_set_in_the_env_file_holds_the_keys_database_and_uploads(tmp_path):
    var = tmp_path / "elsewhere"
    env_file = tmp_path / "project.env"
    env_file.write_text(f"DEBUG=1\nFANGKONG_VAR_DIR={var}\n", encoding="utf-8")

    done = settings_with(env_file)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(var), str(var / "fangkong.sqlite3"), str(var / "media")]
    # the keys DEBUG makes on first start are kept there too, private
    assert (var / "secret_key").is_file() and (var / "data_key").is_file()
    assert oct(var.stat().st_mode & 0o777) == "0o700"


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / "project.env"
    env_file.write_text(f"DEBUG=1\nFANGKONG_VAR_DIR={tmp_path / 'from-file'}\n", encoding="utf-8")

    done = settings_with(env_file, FANGKONG_VAR_DIR=str(tmp_path / "from-env"))

    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == str(tmp_path / "from-env")
    assert not (tmp_path / "from-file").exists()
