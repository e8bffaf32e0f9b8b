"""A file lock that works everywhere: ``fcntl.flock`` where it exists, else an exclusive-create
lock file holding the owner's pid (a lock whose owner died is taken over)."""

from __future__ import annotations

import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on this machine's platform
    fcntl = None


class FileLock:
    """``with FileLock(path, on_wait=print):`` — blocks until the lock is ours; ``on_wait(owner)``
    is called once if someone else holds it (``owner``: their pid, or "another process")."""

    def __init__(self, path, on_wait=None, poll: float = 0.2):
        self.path = Path(path)
        self.on_wait = on_wait
        self.poll = poll
        self._fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        told = False
        while not self._try():
            if not told and self.on_wait:
                self.on_wait(self._owner())
                told = True
            time.sleep(self.poll)
        return self

    def __exit__(self, *exc):
        if fcntl is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
        else:  # pragma: no cover
            os.close(self._fh)
            self.path.unlink(missing_ok=True)
        self._fh = None

    def _owner(self) -> str:
        try:
            pid = self.path.read_text().strip()
        except OSError:
            pid = ""
        return f"pid {pid}" if pid else "another process"

    def _try(self) -> bool:
        if fcntl is not None:
            fh = open(self.path, "a+")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                return False
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            self._fh = fh
            return True
        try:  # pragma: no cover - platforms without fcntl
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:  # pragma: no cover
            if not _alive(self._owner().removeprefix("pid ")):
                self.path.unlink(missing_ok=True)
            return False
        os.write(fd, str(os.getpid()).encode())  # pragma: no cover
        self._fh = fd  # pragma: no cover
        return True  # pragma: no cover


def _alive(pid: str) -> bool:  # pragma: no cover - platforms without fcntl
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
