"""The one place where a setting is checked: small validators that raise :class:`SettingsError`
carrying the failing field's *path* as data (``("examples", "rbf", "theta0", 2)``), not as text.

Each field of :class:`ntkcore.Example` and the settings of :mod:`ntkcore.settings` is checked
by its ``__post_init__`` with these helpers; a settings file only adds the prefix of its section
(:meth:`SettingsError.within`).  So a rule is written once, and a caller can ask which key failed
(``err.key``) without reading the message.
"""

from __future__ import annotations

import math
from typing import Iterable


class SettingsError(ValueError):
    """A bad setting: ``path`` names the field (a tuple of keys and list indices), ``message``
    says what is allowed and what was given, ``source`` where it came from (a file, an example)."""

    def __init__(self, path, message: str, source: str = ""):
        self.path = tuple(path)
        self.message = message
        self.source = source
        super().__init__(str(self))

    @property
    def key(self) -> str:
        """The dotted key: ``examples.rbf.theta0[2]``."""
        return dotted(self.path)

    def within(self, *prefix, source: str | None = None) -> "SettingsError":
        """The same error, one level up: ``prefix`` is prepended to the path."""
        return SettingsError(tuple(prefix) + self.path, self.message,
                             self.source if source is None else source)

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        key = f"{self.key}: " if self.path else ""
        return f"{where}{key}{self.message}"

    def __reduce__(self):  # picklable across processes
        return (SettingsError, (self.path, self.message, self.source))


def dotted(path: Iterable) -> str:
    """``("examples", "rbf", "theta0", 2)`` → ``examples.rbf.theta0[2]`` (a key with characters a
    terminal would not show, a NUL or a newline, is written escaped: ``"a\\x00b"``)."""
    out = ""
    for p in path:
        if not isinstance(p, int) and not str(p).isprintable():
            p = repr(str(p))
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def count_text(n: float) -> str:
    """A count as a person reads it: ``20000``, or ``8.0e+303`` when it has more than 9 digits."""
    return f"{n:.0f}" if abs(n) < 1e9 else f"{n:.1e}"


def is_number(v) -> bool:
    """An int or float (not a bool)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_integer(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def number(path, v, *, lo=None, hi=None, lo_open=False, integer=False, what: str = "") -> float:
    """``v`` as a finite number in ``[lo, hi]`` (``(lo, hi]`` with ``lo_open``); else SettingsError."""
    rng = _range_text(lo, hi, lo_open, integer)
    kind = "an integer" if integer else "a finite number"
    allowed = what or f"{kind}{rng}"
    if integer and not is_integer(v):
        raise SettingsError(path, f"must be {allowed}; got {v!r}")
    if not is_number(v) or not math.isfinite(v):
        raise SettingsError(path, f"must be {allowed}; got {v!r}")
    if lo is not None and (v <= lo if lo_open else v < lo):
        raise SettingsError(path, f"must be {allowed}; got {v!r}")
    if hi is not None and v > hi:
        raise SettingsError(path, f"must be {allowed}; got {v!r}")
    return v


def numbers(path, seq, *, length: int | None = None, min_length: int = 1, max_length: int | None = None,
            what: str = "a list of finite numbers", **bounds) -> tuple:
    """``seq`` as a tuple of finite numbers; a bad entry is reported at its index."""
    if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
        raise SettingsError(path, f"must be {what}; got {seq!r}")
    n = len(seq)
    if length is not None and n != length:
        raise SettingsError(path, f"must have exactly {length} entries ({what}); got {n}")
    if n < min_length or (max_length is not None and n > max_length):
        span = f"{min_length} to {max_length}" if max_length is not None else f"at least {min_length}"
        raise SettingsError(path, f"must have {span} entries ({what}); got {n}")
    out = []
    for i, v in enumerate(seq):
        if not is_number(v):
            raise SettingsError(tuple(path) + (i,), f"must be a number ({what}); got {v!r}")
        out.append(number(tuple(path) + (i,), v, **bounds))
    return tuple(out)


def _range_text(lo, hi, lo_open, integer) -> str:
    if lo is None and hi is None:
        return ""
    if lo is not None and hi is not None:
        if lo_open:
            return f" in ({lo:g}, {hi:g}]"
        return f" from {lo:g} to {hi:g}"
    if lo is not None:
        return f" > {lo:g}" if lo_open else f" >= {lo:g}"
    return f" <= {hi:g}"
