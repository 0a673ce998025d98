"""Running one step of a benchmark in a fresh Python process (its own imports, memory and
database connection), against a given database, and reading its answer."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

#: one random key for every child of this benchmark run (a pass signed by one child is
#: checked by another); never a constant in the source
_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
#: the data key, likewise one per benchmark run: children read what other children sealed
_DATA_KEY = os.environ.get("FANGKONG_DATA_KEY") or secrets.token_urlsafe(48)


def run_child(script: str, args: list[str], *, url: str, var: str, label: str) -> dict[str, Any]:
    """`python script *args` with the project's settings on `url` (DEBUG off, files under
    `var`, uploads under `var`/media); the JSON of its last line of output. A failed child
    prints its output and ends the benchmark, naming `label`."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": _KEY,
        "FANGKONG_DATA_KEY": _DATA_KEY,
        "FANGKONG_VAR_DIR": var,
        "MEDIA_ROOT": str(Path(var) / "media"),
        "DJANGO_SETTINGS_MODULE": "fangkong.settings",
        "LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, script, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{label}: the benchmark failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
