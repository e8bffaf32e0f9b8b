"""``settings``: the defaults as a complete, valid settings file (TOML with comments) to copy and
edit; ``--config`` accepts it unchanged."""

from __future__ import annotations

import dataclasses
import json


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_toml(a) for a in v) + "]"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        return str(v)
    return json.dumps(v)


def default_settings_toml() -> str:
    from ntkcore.examples import EXAMPLES
    from ntkcore.settings import EXAMPLE_KEYS, GPSettings, WideSettings
    from scenes.theme import Theme

    out = ["# ntk-explainer settings: the defaults. Copy this file, change what you like, then",
           "#   ./render.sh --config FILE          (renders into media/configs/FILE-NAME/)",
           "#   ./render.sh report --config FILE   (prints the numbers)",
           "# Every value is checked before anything renders; a bad one stops with a message naming its key.",
           ""]
    for name, ex in EXAMPLES.items():
        out.append(f"[examples.{name}]   # {ex.title}")
        for key, what in EXAMPLE_KEYS.items():
            out.append(f"{key} = {_toml(getattr(ex, key))}   # {what}")
        out.append("")
    out.append("[wide]   # the wide-network chapters (a ReLU network in the NTK parametrization)")
    for f in dataclasses.fields(WideSettings):
        out.append(f"{f.name} = {_toml(getattr(WideSettings(), f.name))}")
    out.append("")
    out.append("[gp]   # kernel gradient descent and the Gaussian processes (times: steps × lr, 0 first)")
    for f in dataclasses.fields(GPSettings):
        out.append(f"{f.name} = {_toml(getattr(GPSettings(), f.name))}")
    out.append("")
    out.append('[theme]   # colours "#RRGGBB"; text needs contrast >= 4.5:1 against the background')
    for f in dataclasses.fields(Theme):
        out.append(f'{f.name} = "{getattr(Theme(), f.name)}"')
    return "\n".join(out) + "\n"
