"""The manim processes we started, each in its own process group, and the signal handlers that stop
them all on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time



class _Children:
    """Every manim process we started (each in its own process group), to stop them all on a
    signal."""

    def __init__(self):
        self.lock = threading.Lock()
        self.procs: set = set()
        self.stopping = False

    def start(self, cmd, **kwargs) -> subprocess.Popen:
        with self.lock:
            if self.stopping:
                raise KeyboardInterrupt
            proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)
            self.procs.add(proc)
            return proc

    def done(self, proc) -> None:
        with self.lock:
            self.procs.discard(proc)

    def stop_all(self, grace: float = 3.0) -> None:
        with self.lock:
            self.stopping = True
            procs = list(self.procs)
        for p in procs:
            _signal_group(p, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for p in procs:
            try:
                p.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(p, signal.SIGKILL)


def _signal_group(proc, sig) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


CHILDREN = _Children()
FINISHED: list = []   # chapters rendered (or kept) by this process, for the message on interruption


class Interrupted(Exception):
    """SIGINT/SIGTERM during a render: ``signum`` says which."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def install_signal_handlers():
    """SIGINT/SIGTERM stop every chapter process (and their children) and raise
    :class:`Interrupted` in the main thread."""
    def handler(signum, frame):
        CHILDREN.stop_all()
        raise Interrupted(signum)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
