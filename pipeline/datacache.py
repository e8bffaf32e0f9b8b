"""The wide-network numbers (``ntkcore.experiments.EXPERIMENTS``), computed once and kept on
disk under ``media/cache/``.

A result's key is a hash of everything it depends on: the experiment's name, the ``[wide]``
settings (and the experiment's own section: ``[gp]`` for "gp"), Example 4 (whose function gives
the training data) for the experiments that use it, the source of every module of ``ntkcore``,
and the versions of JAX and NumPy.  Results are written to a temporary file and renamed into place
(never half-written); a lock makes parallel renders compute each result once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

from pipeline.locks import FileLock
from pipeline.paths import CACHE, ROOT


def source_hash(folder: Path = ROOT / "ntkcore") -> str:
    """sha256 of every Python file of ``folder`` (names and contents, sorted)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def example_fields(ex) -> dict:
    return {f.name: repr(getattr(ex, f.name)) for f in dataclasses.fields(ex)}


def key(name: str, settings) -> str:
    """The cache key of experiment ``name`` under ``settings`` (ntkcore.settings.Settings)."""
    import jax
    import numpy as np
    from ntkcore.experiments import OWN_SECTION, USES_DATA

    blob = {"experiment": name, "wide": dataclasses.asdict(settings.wide), "ntkcore": source_hash(),
            "versions": [jax.__version__, np.__version__]}
    if name in OWN_SECTION:
        blob[OWN_SECTION[name]] = dataclasses.asdict(getattr(settings, OWN_SECTION[name]))
    if name in USES_DATA:
        blob["rbf"] = example_fields(settings.example("rbf"))
    return hashlib.sha256(json.dumps(blob, sort_keys=True, default=repr).encode()).hexdigest()[:24]


def path_for(name: str, settings, cache_dir: Path = CACHE) -> Path:
    return cache_dir / f"{name}-{key(name, settings)}.npz"


def check_cost(names, settings, cache_dir: Path = CACHE, allow_slow: bool = False, log=None) -> None:
    """Before computing: the experiments ``names`` that are not cached yet must fit in about ten
    minutes and 4 GB on the reference machine (ntkcore.cost), unless ``allow_slow``; else a
    SettingsError naming the estimate and ``--allow-slow``.  The estimate is said either way."""
    from ntkcore import cost
    from ntkcore.validation import SettingsError
    todo = [n for n in dict.fromkeys(names) if not _readable(path_for(n, settings, cache_dir))]
    if not todo:
        return
    c = cost.estimate(settings.wide, settings.gp, todo)
    if c.too_much() and not allow_slow:
        raise SettingsError(("wide",), f"computing the wide-network numbers would take {c.describe()} on a "
                            f"2-core machine (allowed without asking: {cost.MAX_SECONDS / 60:.0f} min, "
                            f"{cost.MAX_BYTES / 1024 ** 3:.0f} GB); give --allow-slow to compute them anyway, or "
                            "fewer widths, seeds or steps", settings.source)
    if log and c.seconds > 60:
        log(f"[data] the wide-network numbers are not cached for these settings: {c.describe()} (once)")


def ensure(name: str, settings, cache_dir: Path = CACHE, log=None) -> Path:
    """The file holding experiment ``name``'s numbers for ``settings``: computed now if missing."""
    import numpy as np
    from ntkcore.validation import SettingsError
    from ntkcore.experiments import OWN_SECTION, run

    path = path_for(name, settings, cache_dir)
    if _readable(path):
        return path
    with FileLock(path.with_suffix(".lock"),
                  on_wait=lambda owner: log and log(f"[data] {name}: waiting for {owner} to compute it")):
        if _readable(path):  # computed by the process we waited for
            return path
        if log:
            log(f"[data] {name}: computing (wide-network numbers, once for these settings) …")
        t0 = time.perf_counter()
        with Progress(f"[data] {name}", log) as progress:
            result = run(name, settings, progress=progress)
        out = {k: np.asarray(v) for k, v in result.items()}
        bad = [k for k, v in out.items() if v.dtype.kind == "f" and not np.all(np.isfinite(v))]
        if bad:
            raise SettingsError((OWN_SECTION.get(name, "wide"), "lr"),
                                f"the {name} numbers diverged ({bad[0]} is NaN or infinite); "
                                "lower the learning rate", settings.source)
        out["compute_seconds"] = np.asarray(time.perf_counter() - t0)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.partial.npz")
        try:
            np.savez_compressed(tmp, **out)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        if log:
            log(f"[data] {name}: done in {float(out['compute_seconds']):.1f} s")
    return path


class Progress:
    """``progress(done, total)`` for a long computation: a bar with an ETA on a terminal (tqdm, which
    manim brings), a plain line every 20 % in a log."""

    def __init__(self, label: str, log=None):
        import sys
        self.label, self.log = label, log
        self.tty = sys.stderr.isatty()
        self.bar = None
        self.next_pct = 20
        self.t0 = time.perf_counter()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            if self.bar is None:
                from tqdm import tqdm
                self.bar = tqdm(total=total, desc=self.label, unit="step", leave=False)
            self.bar.update(done - self.bar.n)
            return
        pct = 100 * done / total
        if pct >= self.next_pct and self.log:
            spent = time.perf_counter() - self.t0
            left = spent * (total - done) / max(done, 1)
            self.log(f"{self.label}: {pct:.0f}% ({spent:.0f} s, about {left:.0f} s left)")
            while self.next_pct <= pct:
                self.next_pct += 20


def load(path: Path) -> dict:
    import numpy as np
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def _readable(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        import numpy as np
        with np.load(path) as z:
            z.files  # noqa: B018 - opening the archive checks it
        return True
    except Exception:
        return False
