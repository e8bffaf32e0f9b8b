"""Settings files: change any example, the wide-network experiments or the colours without editing
code.

A settings file is TOML (data, never evaluated) with four optional sections::

    [examples.linear]          # any of: lookup_table linear reparametrized rbf training
    theta0 = [2.0, 5.0]        # initial θ, one number per model parameter
    observation = [10, 60]     # (x', y); x' inside the grid
    lr = 0.002                 # learning rate of the one gradient step (> 0)

    [wide]                     # the wide-network chapters (ntkcore.wide_experiments.WideSettings)
    seeds = 16

    [gp]                       # kernel GD and the Gaussian processes (ntkcore.gp.GPSettings)
    ensemble_seeds = 32

    [theme]                    # colours as "#RRGGBB" (checked by scenes.theme: contrast, colour blindness)
    background = "#FFFFF0"

The structure (sections, key names) is checked here; every value is checked by the object it
configures (:class:`ntkcore.Example`, :class:`ntkcore.wide_experiments.WideSettings`,
:class:`ntkcore.gp.GPSettings`), so each rule
lives in one place.  Every problem is a :class:`SettingsError` whose ``path`` is the key
(``examples.rbf.theta0[2]``).
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .examples import EXAMPLES, Example
from .gp import GPSettings, check_stable
from .validation import SettingsError
from .wide_experiments import WideSettings

#: Keys of an [examples.NAME] section, with what they take (for messages and the defaults file).
EXAMPLE_KEYS = {
    "theta0": "a list of finite numbers, one per model parameter",
    "observation": "two finite numbers [x', y] with x' inside the grid",
    "lr": "a finite number > 0: the learning rate of the one gradient step",
    "ascent_lr": "a finite number > 0: η of the gradient-ascent steps",
    "steps": "an integer from 0 to 200: gradient-ascent steps",
    "x_range": "two integers [x_min, x_max] with x_max - x_min >= 2: the grid",
}
WIDE_KEYS = tuple(f.name for f in dataclasses.fields(WideSettings))
GP_KEYS = tuple(f.name for f in dataclasses.fields(GPSettings))
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
    wide_table = data.get("wide", {})
    if not isinstance(wide_table, dict):
        raise fail(("wide",), "must be a table of settings")
    for k in wide_table:
        if k not in WIDE_KEYS:
            raise fail(("wide", k), f"unknown key; allowed: {', '.join(WIDE_KEYS)}")
    try:
        wide = WideSettings(**{k: _as_tuples(v) for k, v in wide_table.items()})
    except SettingsError as e:
        raise e.within("wide", source=source) from None
    gp_table = data.get("gp", {})
    if not isinstance(gp_table, dict):
        raise fail(("gp",), "must be a table of settings")
    for k in gp_table:
        if k not in GP_KEYS:
            raise fail(("gp", k), f"unknown key; allowed: {', '.join(GP_KEYS)}")
    try:
        gp = GPSettings(**{k: _as_tuples(v) for k, v in gp_table.items()})
        if gp_table or wide_table:
            check_stable(wide, gp)   # the learning rate against this architecture and data
    except SettingsError as e:
        raise e.within("gp", source=source) from None
    theme = data.get("theme", {})
    if not isinstance(theme, dict):
        raise fail(("theme",), "must be a table of colours")
    return Settings(examples=examples, wide=wide, gp=gp, theme=dict(theme), source=source, text=text)


def load_settings_text(text: str, source: str = "<settings>") -> Settings:
    """Validate settings given as TOML text (``source`` names them in messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError((), f"not valid TOML: {e}", source) from None
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
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SettingsError((), f"is not UTF-8 text (byte {e.start}); a settings file is TOML text",
                            str(path)) from None


def load_settings(path) -> Settings:
    """Read and validate a TOML settings file."""
    return load_settings_text(read_settings_text(path), str(path))
