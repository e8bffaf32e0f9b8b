"""Settings overrides from a TOML file: change any example (and the colours) without editing code.

The file is data (read with :mod:`tomllib`, never evaluated) and is validated completely before
anything renders; every problem raises :class:`ConfigError` naming the key and what is allowed::

    [examples.linear]          # any of: lookup_table linear reparametrized rbf training
    theta0 = [2.0, 5.0]        # initial θ, one number per model parameter
    observation = [10, 60]     # (x', y); x' inside the grid
    lr = 0.002                 # learning rate of the one gradient step (> 0)

    [examples.training]
    steps = 10                 # gradient-ascent steps, 0..200
    ascent_lr = 0.5            # η of those steps (> 0)
    x_range = [-5, 25]         # integer grid from x_min to x_max

    [theme]                    # colours as "#RRGGBB"
    background = "#FFFFF0"
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .examples import EXAMPLES, Example

EXAMPLE_KEYS = {
    "theta0": "a list of finite numbers, one per model parameter",
    "observation": "two finite numbers [x', y] with x' inside the grid",
    "lr": "a finite number > 0",
    "ascent_lr": "a finite number > 0",
    "steps": "an integer from 0 to 200",
    "x_range": "two integers [x_min, x_max] with x_max - x_min >= 2",
}
THEME_KEYS = ("background", "ink", "axis", "grid", "dot", "observation", "arrow", "moved_dot",
              "kernel_start", "kernel_end", "ntk_exact", "highlight")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class ConfigError(ValueError):
    """A bad settings file: the message names the key and what is allowed."""


@dataclass(frozen=True)
class Config:
    """Validated overrides: the examples they produce, and theme colours by palette name."""

    examples: dict = field(default_factory=dict)   # name -> Example (only the changed ones)
    theme: dict = field(default_factory=dict)      # palette constant name (upper case) -> "#RRGGBB"
    source: str = ""

    def example(self, name: str) -> Example:
        return self.examples.get(name, EXAMPLES[name])


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_value(key: str, name: str, v):
    """Type and range checks that need no model (the model-dependent ones come from Example)."""
    what = EXAMPLE_KEYS[name]
    if name == "theta0":
        if not isinstance(v, list) or not v or not all(_number(a) for a in v):
            raise ConfigError(f"{key} must be {what}; got {v!r}")
        bad = [a for a in v if not math.isfinite(a)]
        if bad:
            raise ConfigError(f"{key} must be {what}; got the non-finite value {bad[0]!r}")
        return tuple(float(a) for a in v)
    if name == "observation":
        if not (isinstance(v, list) and len(v) == 2 and all(_number(a) and math.isfinite(a) for a in v)):
            raise ConfigError(f"{key} must be {what}; got {v!r}")
        return (float(v[0]), float(v[1]))
    if name in ("lr", "ascent_lr"):
        if not (_number(v) and math.isfinite(v) and v > 0):
            raise ConfigError(f"{key} must be {what}; got {v!r}")
        return float(v)
    if name == "steps":
        if not (isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 200):
            raise ConfigError(f"{key} must be {what}; got {v!r}")
        return v
    if name == "x_range":
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(a, int) and not isinstance(a, bool) for a in v)
                and v[1] - v[0] >= 2):
            raise ConfigError(f"{key} must be {what}; got {v!r}")
        return (v[0], v[1])
    raise AssertionError(name)  # pragma: no cover


def parse_config(data: dict, source: str = "<config>") -> Config:
    """Validate parsed TOML ``data`` and build the overridden examples."""
    unknown = set(data) - {"examples", "theme"}
    if unknown:
        raise ConfigError(f"{source}: unknown key {sorted(unknown)[0]!r}; allowed top-level keys: examples, theme")
    examples = {}
    ex_table = data.get("examples", {})
    if not isinstance(ex_table, dict):
        raise ConfigError(f"{source}: examples must be a table of [examples.NAME] sections")
    for name, overrides in ex_table.items():
        if name not in EXAMPLES:
            raise ConfigError(f"{source}: unknown example 'examples.{name}'; allowed: {', '.join(EXAMPLES)}")
        if not isinstance(overrides, dict):
            raise ConfigError(f"{source}: examples.{name} must be a table of settings")
        changes = {}
        for k, v in overrides.items():
            key = f"examples.{name}.{k}"
            if k not in EXAMPLE_KEYS:
                raise ConfigError(f"{source}: unknown key {key!r}; allowed: {', '.join(EXAMPLE_KEYS)}")
            changes[k] = _check_value(f"{source}: {key}", k, v)
        try:
            examples[name] = EXAMPLES[name].replace(**changes)
        except ValueError as e:  # model-dependent checks: θ length, observation on the grid...
            field_name = next((k for k in EXAMPLE_KEYS if k in str(e)), None)
            where = f"examples.{name}.{field_name}" if field_name else f"examples.{name}"
            raise ConfigError(f"{source}: {where}: {e}") from None
    theme = {}
    th_table = data.get("theme", {})
    if not isinstance(th_table, dict):
        raise ConfigError(f"{source}: theme must be a table of colours")
    for k, v in th_table.items():
        if k not in THEME_KEYS:
            raise ConfigError(f"{source}: unknown key 'theme.{k}'; allowed: {', '.join(THEME_KEYS)}")
        if not (isinstance(v, str) and _HEX.match(v)):
            raise ConfigError(f"{source}: theme.{k} must be a colour \"#RRGGBB\"; got {v!r}")
        theme[k.upper()] = v.upper()
    return Config(examples=examples, theme=theme, source=source)


def load_config(path) -> Config:
    """Read and validate a TOML settings file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the settings file ({e.strerror})") from None
    return load_config_text(text, str(path))


def load_config_text(text: str, source: str = "<config>") -> Config:
    """Validate settings given as TOML text (``source`` names them in messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{source}: not valid TOML: {e}") from None
    cfg = parse_config(data, source)
    for ex in cfg.examples.values():  # divergence is a settings error too: catch it before rendering
        try:
            ex.check_finite()
        except ValueError as e:
            raise ConfigError(f"{source}: {e}") from None
    return cfg
