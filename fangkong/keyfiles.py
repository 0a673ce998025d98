"""Keys kept in files of the var directory, created on first use and readable only by owner.

`make run` starts without any configured secret: instead of a constant key that anyone could
read in the source (and forge pass QR codes with), each installation makes its own random key
the first time it starts and keeps it under `FANGKONG_VAR_DIR`. Imported by `settings`, so it
imports nothing from Django or the project.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create(path: Path, *, nbytes: int = 50) -> str:
    """The key stored in `path`; a new random one (url-safe text) if the file does not exist.

    The key is written to a private temporary file (mode 0600) that is then linked to `path`
    in one step, so two processes starting at once agree on one complete key: the loser of the
    race reads the winner's file.
    """
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(nbytes)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _read(path)
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _read(path: Path) -> str:
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ValueError(f"{path} is empty: delete it to have a new key made")
    return key
