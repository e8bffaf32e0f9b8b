"""The wide-network experiments by name, for the pipeline's data cache and the chapters.

``EXPERIMENTS[name](wide_settings, rbf_example, progress=None) -> dict of arrays``; ``USES_DATA`` are
those that train on the post's data (Example 4's f), so their cache key includes Example 4.
"""

from __future__ import annotations

from . import gp, wide_experiments


def _gp(s, rbf=None, progress=None) -> dict:
    return gp.gp_numbers(s, gp.GPSettings(), rbf=rbf, progress=progress)


EXPERIMENTS = {
    "init_band": wide_experiments.init_band,
    "training_change": wide_experiments.training_change,
    "nngp_vs_ntk": wide_experiments.nngp_vs_ntk,
    "gp": _gp,
}
USES_DATA = frozenset({"training_change", "nngp_vs_ntk", "gp"})
