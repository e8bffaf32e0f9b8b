"""Settings files: change any example, the wide-network experiments or the colours without editing
code.

A settings file is TOML (data, never evaluated) with four optional sections::

    [examples.linear]          # any of: lookup_table linear reparametrized rbf training
    theta0 = [2.0, 5.0]        # initial θ, one number per model parameter
    observation = [10, 60]     # (x', y); x' inside the grid
    lr = 0.002                 # learning rate of the one gradient step (> 0)

    [wide]                     # the wide-network chapters (WideSettings below)
    seeds = 16

    [gp]                       # kernel GD and the Gaussian processes (GPSettings below)
    ensemble_seeds = 32

    [theme]                    # colours as "#RRGGBB" (checked by scenes.theme: contrast, colour blindness)
    background = "#FFFFF0"

The structure (sections, key names) is checked here; every value is checked by the object it
configures (:class:`ntkcore.Example`, :class:`WideSettings`, :class:`GPSettings`, both defined
here), so each rule lives in one place.  Every problem is a :class:`SettingsError` whose ``path``
is the key (``examples.rbf.theta0[2]``).
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import core, wide
from .examples import EXAMPLES, Example
from .validation import count_text, SettingsError, is_integer, number, numbers


# --------------------------------------------------------------------------- [wide] and [gp]


@dataclass(frozen=True)
class WideSettings:
    """Everything the wide-network chapters compute from (plain data; ``[wide]`` in a settings file)."""

    depth: int = 2
    w_std: float = 2 ** 0.5
    b_std: float = 0.1
    readout_w_std: float = 1.0
    readout_b_std: float = 0.1
    x_range: tuple = (-10, 20)
    x_obs: float = 10.0
    # Chapter "wide_init": widths x seeds at initialization.
    widths: tuple = (16, 64, 256, 1024, 4096)
    seeds: int = 24
    # Chapters "wide_training" and the GP chapters: a few points of the post's data: Example 4's starting
    # function at these x, with the observation (10, 50) itself; targets scaled as (y - y_shift) / y_scale.
    train_x: tuple = (-8.0, 0.0, 4.0, 10.0, 16.0)
    y_shift: float = 45.0
    y_scale: float = 10.0
    # Full-batch GD learning rate: η·λ_max(Θ(X, X)) ≈ 0.55 with the half-circle input (λ_max ≈ 4.37;
    # checked ≤ 1 by check_stable); 400 steps reach t = 50, where the slowest mode (λ ≈ 0.17) has
    # decayed to e^{−8.5}.
    lr: float = 0.125
    steps: int = 400
    train_widths: tuple = (16, 64, 256, 1024, 2048)
    train_seeds: int = 3

    def __post_init__(self):
        """Every field is checked here, and only here; errors carry the field's path."""
        number(("depth",), self.depth, lo=1, hi=6, integer=True)
        number(("w_std",), self.w_std, lo=0, hi=10, lo_open=True)
        number(("b_std",), self.b_std, lo=0, hi=10)
        number(("readout_w_std",), self.readout_w_std, lo=0, hi=10, lo_open=True)
        number(("readout_b_std",), self.readout_b_std, lo=0, hi=10)
        if (not isinstance(self.x_range, (tuple, list)) or len(self.x_range) != 2
                or not all(is_integer(v) for v in self.x_range)
                or not 2 <= self.x_range[1] - self.x_range[0] <= 120):
            raise SettingsError(("x_range",), "must be two integers [x_min, x_max] with "
                                f"2 <= x_max - x_min <= 120; got {self.x_range!r}")
        lo, hi = self.x_range
        object.__setattr__(self, "x_range", tuple(self.x_range))
        number(("x_obs",), self.x_obs, lo=lo, hi=hi, what=f"a number in the grid range [{lo}, {hi}]")
        for name, top in (("widths", 8192), ("train_widths", 4096)):
            ws = numbers((name,), getattr(self, name), min_length=2, max_length=8, integer=True, lo=1, hi=top,
                         what=f"2 to 8 increasing integer widths from 1 to {top}")
            if any(b <= a for a, b in zip(ws, ws[1:])):
                raise SettingsError((name,), f"must be increasing; got {list(ws)}")
            object.__setattr__(self, name, tuple(ws))
        number(("seeds",), self.seeds, lo=2, hi=64, integer=True)
        number(("train_seeds",), self.train_seeds, lo=1, hi=16, integer=True)
        xt = numbers(("train_x",), self.train_x, min_length=2, max_length=20, lo=lo, hi=hi,
                     what=f"2 to 20 distinct numbers in the grid range [{lo}, {hi}]")
        if len(set(xt)) != len(xt):
            raise SettingsError(("train_x",), f"must be distinct; got {list(xt)}")
        object.__setattr__(self, "train_x", tuple(float(v) for v in xt))
        number(("y_shift",), self.y_shift)
        number(("y_scale",), self.y_scale, lo=0, lo_open=True)
        number(("lr",), self.lr, lo=0, hi=10, lo_open=True)
        number(("steps",), self.steps, lo=1, hi=5000, integer=True)

    @property
    def arch(self) -> wide.MLP:
        return wide.MLP(self.depth, self.w_std, self.b_std, self.readout_w_std, self.readout_b_std)

    @property
    def grid(self) -> np.ndarray:
        return np.arange(self.x_range[0], self.x_range[1] + 1, dtype=np.float64)

    def scaled(self, x) -> np.ndarray:
        """``u = 2(x − x_min)/(x_max − x_min) − 1`` of the post's ``x`` (:func:`ntkcore.wide.scale_inputs`)."""
        return wide.scale_inputs(x, self.x_range)

    def inputs(self, x) -> np.ndarray:
        """The network inputs of the post's ``x``: ``(cos φ, sin φ)``, ``φ = (π/2)·u``
        (:func:`ntkcore.wide.embed`).  ``(n,)`` → ``(n, 2)``."""
        return wide.embed(x, self.x_range)

    def train_data(self, rbf: Example | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(x_train, y_train)`` in the post's units (x on the grid scale, y unscaled): Example 4's
        starting function (``rbf``; by default the post's) at ``train_x``, and the observation itself
        where ``train_x`` contains its x'."""
        rbf = EXAMPLES["rbf"] if rbf is None else rbf
        xt = np.asarray(self.train_x, dtype=np.float64)
        yt = np.array(core.values(rbf.f, rbf.theta, xt), dtype=np.float64)
        x_obs, y_obs = rbf.observation
        yt[xt == x_obs] = y_obs
        return xt, yt


MAX_STEPS = 20_000   # gradient-descent steps to the last time (times[-1] / lr), at most


@dataclass(frozen=True)
class GPSettings:
    """The ``[gp]`` section of a settings file: what the kernel-GD and Gaussian-process chapters
    compute beyond :class:`WideSettings` (plain data).

    Every field is checked in ``__post_init__``, and only there; errors carry the field's path
    (``times[2]``).  Whether ``lr`` suits the architecture is checked by :func:`check_stable`.
    """

    # Gradient-flow times (0 first), ×4 apart.  Θ(X, X)'s eigenvalues on the default data (the
    # half-circle input) are 0.17, 0.35, 0.93, 1.86, 4.37: the NTK-GP's mean is within 0.46 of
    # t = ∞ at t = 0.5, 0.24 at t = 2, 0.065 at t = 8 and 0.001 at t = 32 (std: 0.27, 0.067, 0.016,
    # < 0.001); t = 32 and 128 are t = ∞ to the eye.
    times: tuple = (0.0, 0.5, 2.0, 8.0, 32.0, 128.0)
    # GD learning rate of every finite network (time = steps × lr; 1024 steps to t = 128).
    # ηλ_max ≈ 0.55 (check_stable: ≤ 1; 0.25 would be 1.09): the discrete-time NTK-GP differs from
    # gradient flow by ≤ 0.024 (mean) and 0.028 (std) at t = 0.5, ≤ 0.009 at t = 2 and ≤ 0.001
    # after (``ntk_gp_gd_*`` is the exact discrete counterpart).
    lr: float = 0.125
    ensemble_width: int = 512
    ensemble_seeds: int = 64
    ensemble_curves: int = 20          # individual networks kept for drawing (at most ensemble_seeds)
    # "One network vs kernel GD": a narrow and a wide network from one seed (increasing widths;
    # the chapter draws the first and the last).  1024 rather than 2048: a 2048² float64 layer
    # (32 MiB) leaves the CPU cache and costs ~6× more per step.  Width 8: by t = 128 its NTK has
    # changed by ~3.4× its own size (width 1024: 2 %), so it visibly leaves kernel GD.
    net_widths: tuple = (8, 1024)
    net_seed: int = 0
    # Test inputs per unit of the post's x (4: a step of 0.25), plus the training inputs.
    samples_per_unit: int = 4

    def __post_init__(self):
        """Every field is checked here, and only here; errors carry the field's path."""
        lr = number(("lr",), self.lr, lo=0, hi=1, lo_open=True)
        object.__setattr__(self, "lr", float(lr))
        what = "3 to 8 increasing times from 0 (the first), each a multiple of lr"
        ts = numbers(("times",), self.times, min_length=3, max_length=8, lo=0, what=what)
        if ts[0] != 0:
            raise SettingsError(("times", 0), f"must be 0 (the chapters start at initialization); got {ts[0]!r}")
        for i in range(1, len(ts)):
            if ts[i] <= ts[i - 1]:
                raise SettingsError(("times", i), f"must be larger than the time before ({ts[i - 1]!r}); "
                                    f"got {ts[i]!r}")
            k = ts[i] / lr
            if abs(k - round(k)) > 1e-9 * max(1.0, k):
                raise SettingsError(("times", i), f"must be a multiple of lr = {lr!r} (time = steps × lr); "
                                    f"got {ts[i]!r}")
        if round(ts[-1] / lr) > MAX_STEPS:
            raise SettingsError(("times", len(ts) - 1), f"is {count_text(ts[-1] / lr)} steps of lr = {lr!r}; "
                                f"at most {MAX_STEPS} steps are allowed")
        object.__setattr__(self, "times", tuple(float(t) for t in ts))
        number(("ensemble_width",), self.ensemble_width, lo=1, hi=2048, integer=True)
        number(("ensemble_seeds",), self.ensemble_seeds, lo=2, hi=256, integer=True)
        number(("ensemble_curves",), self.ensemble_curves, lo=1, hi=64, integer=True)
        ws = numbers(("net_widths",), self.net_widths, min_length=2, max_length=4, integer=True, lo=1,
                     hi=4096, what="2 to 4 increasing integer widths from 1 to 4096")
        if any(b <= a for a, b in zip(ws, ws[1:])):
            raise SettingsError(("net_widths",), f"must be increasing; got {list(ws)}")
        object.__setattr__(self, "net_widths", tuple(ws))
        number(("net_seed",), self.net_seed, lo=0, hi=2 ** 31 - 1, integer=True)
        number(("samples_per_unit",), self.samples_per_unit, lo=1, hi=20, integer=True)


def lambda_max(s: WideSettings) -> float:
    """Largest eigenvalue of the infinite-width NTK Θ(X, X) on the training inputs (their network
    inputs, :meth:`WideSettings.inputs`)."""
    _, theta = wide.relu_kernels(s.inputs(s.train_x), None, *s.arch)             # (m, m)
    return float(np.linalg.eigvalsh(np.asarray(theta)).max())


def check_stable(s: WideSettings, g: GPSettings | None = None) -> None:
    """A learning rate with ``s``'s architecture and data: ``g.lr`` (the GP chapters' networks), or
    with ``g`` None ``s.lr`` (chapter "wide_training").  Gradient descent moves each eigendirection
    of Θ by the factor ``1 − ηλ`` per step, so ``η λ_max ≤ 1`` keeps every direction converging
    without overshoot (the infinite-width picture the chapters draw).  :class:`SettingsError` at
    ``lr``."""
    lam = lambda_max(s)
    lr = s.lr if g is None else g.lr
    if lr * lam > 1.0:
        raise SettingsError(("lr",), f"must be at most {1.0 / lam:.4g} with these [wide] settings "
                            f"(lr × {lam:.4g}, the largest eigenvalue of the NTK on the training inputs, "
                            f"must be ≤ 1); got {lr!r}")


# --------------------------------------------------------------------------- settings files

#: Keys of an [examples.NAME] section, with what they take (for messages and the defaults file).
EXAMPLE_KEYS = {
    "theta0": "a list of finite numbers, one per model parameter",
    "observation": "two finite numbers [x', y] with x' inside the grid",
    "lr": "a finite number > 0: the learning rate of the one gradient step",
    "ascent_lr": "a finite number > 0: η of the gradient-ascent steps",
    "steps": "an integer from 0 to 200: gradient-ascent steps",
    "x_range": "two integers [x_min, x_max] with x_max - x_min >= 2: the grid",
}
SECTIONS = ("examples", "wide", "gp", "theme")


@dataclass(frozen=True)
class Settings:
    """Validated settings: every example (changed ones replaced), the wide settings, and the raw
    colour overrides of ``[theme]`` (validated where colours live, ``scenes.theme``)."""

    examples: dict = field(default_factory=lambda: dict(EXAMPLES))
    wide: WideSettings = field(default_factory=WideSettings)
    gp: GPSettings = field(default_factory=GPSettings)
    theme: dict = field(default_factory=dict)
    source: str = ""     # where they came from (a file name), "" for the defaults
    text: str = ""       # the file's text as read (what a render depends on)

    def example(self, name: str) -> Example:
        return self.examples[name]


DEFAULTS = Settings()


def _as_tuples(v):
    """TOML arrays become tuples (settings objects are immutable)."""
    return tuple(_as_tuples(a) for a in v) if isinstance(v, list) else v


def _section(data: dict, name: str, cls, source: str, check=None):
    """Section ``[name]`` of ``data`` as the settings dataclass ``cls`` (its keys must be ``cls``'s
    fields), refused by ``check(obj)`` if that raises; errors carry the section in their path."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise SettingsError((name,), "must be a table of settings", source)
    keys = [f.name for f in dataclasses.fields(cls)]
    for k in table:
        if k not in keys:
            raise SettingsError((name, k), f"unknown key; allowed: {', '.join(keys)}", source)
    try:
        obj = cls(**{k: _as_tuples(v) for k, v in table.items()})
        if check is not None:
            check(obj)
    except SettingsError as e:
        raise e.within(name, source=source) from None
    return obj


def parse_settings(data: dict, source: str = "<settings>", text: str = "") -> Settings:
    """Validate parsed TOML ``data`` and build the settings; :class:`SettingsError` on any problem."""
    def fail(path, message):
        return SettingsError(path, message, source)

    for key in data:
        if key not in SECTIONS:
            raise fail((key,), f"unknown section; allowed: {', '.join(SECTIONS)}")
    examples = dict(EXAMPLES)
    ex_table = data.get("examples", {})
    if not isinstance(ex_table, dict):
        raise fail(("examples",), "must be a table of [examples.NAME] sections")
    for name, overrides in ex_table.items():
        if name not in EXAMPLES:
            raise fail(("examples", name), f"unknown example; allowed: {', '.join(EXAMPLES)}")
        if not isinstance(overrides, dict):
            raise fail(("examples", name), "must be a table of settings")
        for k in overrides:
            if k not in EXAMPLE_KEYS:
                raise fail(("examples", name, k), f"unknown key; allowed: {', '.join(EXAMPLE_KEYS)}")
        changes = {k: _as_tuples(v) for k, v in overrides.items()}
        try:
            ex = EXAMPLES[name].replace(**changes)
            ex.check_drawable()  # divergence, nothing to draw, arrows off every axis: before anything renders
        except SettingsError as e:
            raise e.within("examples", name, source=source) from None
        examples[name] = ex
    wide = _section(data, "wide", WideSettings, source)
    stable = (lambda g: check_stable(wide, g)) if data.get("gp") or data.get("wide") else None
    gp = _section(data, "gp", GPSettings, source, stable)   # lr against this architecture and data
    if data.get("wide"):   # [wide] lr against it too (after [gp]: an architecture that makes both
        try:               # too large is reported at gp.lr, as before)
            check_stable(wide)
        except SettingsError as e:
            raise e.within("wide", source=source) from None
    theme = data.get("theme", {})
    if not isinstance(theme, dict):
        raise fail(("theme",), "must be a table of colours")
    return Settings(examples=examples, wide=wide, gp=gp, theme=dict(theme), source=source, text=text)


MAX_DEPTH = 4     # the deepest the settings go: [examples.NAME] key = [list]


def nesting(value) -> int:
    """How deep tables and lists nest in parsed TOML (a number is 0, ``[1]`` is 1)."""
    depth, level = 0, [(value, 0)]
    while level:                       # iterative: a hostile file must not exhaust the stack here
        v, d = level.pop()
        depth = max(depth, d)
        if isinstance(v, dict):
            level += [(x, d + 1) for x in v.values()]
        elif isinstance(v, list):
            level += [(x, d + 1) for x in v]
    return depth


def load_settings_text(text: str, source: str = "<settings>") -> Settings:
    """Validate settings given as TOML text (``source`` names them in messages)."""
    text = text.removeprefix("\ufeff")          # a UTF-8 byte-order mark (some editors write one)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError((), f"not valid TOML: {e}", source) from None
    except RecursionError:
        raise SettingsError((), f"nests tables or lists too deeply (the settings go {MAX_DEPTH} levels deep)",
                            source) from None
    if nesting(data) > MAX_DEPTH:
        raise SettingsError((), f"nests tables or lists {nesting(data)} levels deep; the settings go {MAX_DEPTH} "
                            "levels deep", source)
    return parse_settings(data, source, text)


def read_settings_text(path) -> str:
    """The text of a settings file; :class:`SettingsError` (one line) if it is not a readable,
    regular, UTF-8 text file."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as e:
        raise SettingsError((), f"cannot read the settings file ({e.strerror})", str(path)) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise SettingsError((), f"is {kind}; give a TOML settings file", str(path))
    if st.st_size > 1_000_000:
        raise SettingsError((), f"is {st.st_size} bytes; a settings file is at most 1 MB", str(path))
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SettingsError((), f"cannot read the settings file ({e.strerror})", str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SettingsError((), f"is not UTF-8 text (byte {e.start}); a settings file is TOML text",
                            str(path)) from None


def load_settings(path) -> Settings:
    """Read and validate a TOML settings file."""
    return load_settings_text(read_settings_text(path), str(path))
