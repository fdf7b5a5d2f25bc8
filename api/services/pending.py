"""Checked uploads waiting for their user to confirm the import: on disk, in a folder
every worker process of the service shares, per user, few and for a short time.

Layout: ``<directory>/<user id>/<key>/`` holds the files as ``0``, ``1``… and their
names in ``names.json``. A key is claimed by renaming its folder, so two workers cannot
both take it."""

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from ..db import User
from .errors import Gone

# Checked uploads wait this long for the user to confirm the import.
PENDING_SECONDS = 30 * 60
# Checks a user may keep waiting at once; a new one drops the oldest.
PER_USER = 3
_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
EXPIRED = "La carga venció: vuelva a subir los archivos."


def default_directory(database_url: str) -> Path:
    """A folder of the machine's temporary space, one per database."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"arraigo-pending-{digest}"


class PendingUploads:
    """Checked uploads, by a random key, for ``seconds``, at most PER_USER per user."""

    def __init__(self, directory: str | Path, seconds: float = PENDING_SECONDS) -> None:
        self.directory = Path(directory)
        self.seconds = seconds

    def keep(self, user: User, contents: list[tuple[str, bytes]]) -> str:
        key = secrets.token_urlsafe(16)
        mine = self.directory / str(user.id)
        mine.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._expire(mine)
        staging = mine / f".{key}"
        staging.mkdir(mode=0o700)
        for index, (_name, content) in enumerate(contents):
            (staging / str(index)).write_bytes(content)
        (staging / "names.json").write_text(json.dumps([name for name, _c in contents]))
        staging.rename(mine / key)
        waiting = sorted(self._entries(mine), key=lambda folder: folder.stat().st_mtime)
        for old in waiting[:-PER_USER]:
            shutil.rmtree(old, ignore_errors=True)
        return key

    def take(self, user: User, key: str) -> list[tuple[str, bytes]]:
        """The files kept under ``key`` for this user (once), or Gone."""
        mine = self.directory / str(user.id)
        if not _KEY.fullmatch(key):
            raise Gone(EXPIRED)
        claimed = mine / f".taken-{key}-{os.getpid()}"
        try:
            (mine / key).rename(claimed)
        except OSError:
            raise Gone(EXPIRED) from None
        try:
            if time.time() - claimed.stat().st_mtime > self.seconds:
                raise Gone(EXPIRED)
            names = json.loads((claimed / "names.json").read_text())
            return [(name, (claimed / str(i)).read_bytes()) for i, name in enumerate(names)]
        finally:
            shutil.rmtree(claimed, ignore_errors=True)

    def _entries(self, mine: Path) -> list[Path]:
        return [p for p in mine.iterdir() if p.is_dir() and _KEY.fullmatch(p.name)]

    def _expire(self, mine: Path) -> None:
        for folder in self._entries(mine):
            if time.time() - folder.stat().st_mtime > self.seconds:
                shutil.rmtree(folder, ignore_errors=True)
