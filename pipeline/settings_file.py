"""``settings``: the defaults as a complete, valid settings file (TOML with comments) to copy and
edit; ``--config`` accepts it unchanged.

The command prints the shipped ``pipeline/defaults.toml`` (standard library only: no JAX, in a
blink); :func:`default_settings_toml` writes it from ntkcore's defaults, and a test checks the two
are the same (``python -m pipeline.settings_file > pipeline/defaults.toml`` refreshes it)."""

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


from pathlib import Path

SHIPPED = Path(__file__).with_name("defaults.toml")

WIDE_HELP = {
    "depth": "hidden ReLU layers (1 to 6)",
    "w_std": "weight scale of every dense layer, NTK parametrization: W·h/√fan_in (0 to 10)",
    "b_std": "bias scale of the hidden layers (0 to 10)",
    "readout_w_std": "weight scale of the readout layer",
    "readout_b_std": "bias scale of the readout layer",
    "x_range": "the grid [x_min, x_max] of the wide-network chapters (the post's x)",
    "x_obs": "x′: the input whose kernel column k(x, x′) is drawn",
    "widths": "2 to 8 increasing widths (1 to 8192) of the initialization chapter's networks",
    "seeds": "random initializations per width there (2 to 64)",
    "train_x": "2 to 20 training inputs (the post's x; targets from Example 4's f, the observation at x′)",
    "y_shift": "targets are (y − y_shift) / y_scale, numbers of order one",
    "y_scale": "see y_shift (> 0)",
    "lr": "η of full-batch gradient descent in the training chapter (checked stable: η·λ_max(Θ) ≤ 1)",
    "steps": "gradient-descent steps there (1 to 5000); time t = η·steps",
    "train_widths": "2 to 8 increasing widths (1 to 4096) trained there",
    "train_seeds": "random initializations per training width (1 to 16)",
}
GP_HELP = {
    "times": "3 to 8 increasing times t = η·steps, 0 first, each a multiple of lr (kernel GD and the GP chapters)",
    "lr": "η of the networks' gradient descent (0 to 1; checked stable)",
    "ensemble_width": "width of the many networks compared with the NTK-GP (1 to 2048)",
    "ensemble_seeds": "how many of them (2 to 256)",
    "ensemble_curves": "how many of them are drawn (1 to 64)",
    "net_widths": "2 to 4 increasing widths of the single networks compared with kernel GD (first and last drawn)",
    "net_seed": "their random initialization",
    "samples_per_unit": "test inputs per unit of x (1 to 20)",
}
THEME_HELP = {
    "background": "the page", "ink": "text, axis numbers", "axis": "axis lines and ticks, secondary labels",
    "grid": "decorative guide lines", "dot": "the black dots: f(x) on the grid",
    "observation": "the blue cross: the observation (x′, y)", "arrow": "the red arrows: Δf(x) of one step",
    "moved_dot": "where a dot was before it moved", "kernel_start": "purple: a kernel before training",
    "kernel_end": "orange: a kernel after training", "ntk_exact": "green: the exact NTK (ε → 0; Θ at infinite width)",
    "highlight": "annotations", "width_narrow": "the narrowest network (the width ramp) …",
    "width_wide": "… to the widest", "nngp": "gold: the NNGP kernel K and its posterior",
}


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
            if key in ("ascent_lr", "steps") and not ex.steps:
                continue            # only Example 5 trains: no chapter reads these of the others
            out.append(f"{key} = {_toml(getattr(ex, key))}   # {what}")
        out.append("")
    for section, cls, help_ in (("wide", WideSettings, WIDE_HELP), ("gp", GPSettings, GP_HELP), ("theme", Theme, THEME_HELP)):
        out.append({"wide": "[wide]   # the wide-network chapters: a ReLU network in the NTK parametrization, "
                            "its input the point (cos φ, sin φ), φ = πu/2",
                    "gp": "[gp]   # kernel gradient descent and the Gaussian processes",
                    "theme": '[theme]   # colours "#RRGGBB": text needs 4.5:1 against the background, lines 3:1'}[section])
        for f in dataclasses.fields(cls):
            out.append(f"{f.name} = {_toml(getattr(cls(), f.name))}   # {help_[f.name]}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def shipped_defaults() -> str:
    """The shipped defaults file (what ``settings`` prints)."""
    return SHIPPED.read_text(encoding="utf-8")


if __name__ == "__main__":
    import sys
    sys.stdout.write(default_settings_toml())
