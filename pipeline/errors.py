"""How a command ends when something goes wrong: one line on stderr and an exit status, never a
traceback for a bad input, a signal or a disk problem."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys


def run_guarded(fn, *args) -> int:
    """``fn(*args)`` with the explainer's error contract:

    * a bad setting or script (:class:`ntkcore.validation.SettingsError`,
      :class:`scenes.script.ScriptError`) → its message, exit 2;
    * SIGINT/SIGTERM → every chapter process stopped, partial outputs gone, one line naming the
      finished chapters, exit 130/143;
    * a read-only or full disk → one line naming the path and the cause, exit 1;
    * a failing external tool → its last lines, exit 1.
    """
    from ntkcore.validation import SettingsError
    from pipeline import render
    from pipeline.narration.errors import NarrationError
    from scenes.script import ScriptError

    render.install_signal_handlers()
    try:
        return fn(*args)
    except (SettingsError, NarrationError, ScriptError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (render.Interrupted, KeyboardInterrupt) as e:
        render.CHILDREN.stop_all()
        signum = e.signum if isinstance(e, render.Interrupted) else signal.SIGINT
        kept = ", ".join(dict.fromkeys(render.FINISHED)) or "none"
        print(f"\ninterrupted; finished chapters kept: {kept}", file=sys.stderr)
        return 128 + int(signum)
    except OSError as e:
        if e.errno in (errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.ENOTDIR, errno.EISDIR):
            where = e.filename or "the output folder"
            print(f"error: cannot write {where}: {e.strerror}", file=sys.stderr)
            return 1
        raise
    except subprocess.CalledProcessError as e:
        tail = (e.stderr or b"").decode(errors="replace").strip().splitlines()[-5:]
        print(f"error: {e.cmd[0] if isinstance(e.cmd, list) else e.cmd} failed (exit {e.returncode})"
              + ("".join(f"\n  {line}" for line in tail)), file=sys.stderr)
        return 1
