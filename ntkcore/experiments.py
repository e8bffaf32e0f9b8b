"""The wide-network experiments by name, for the pipeline's data cache and the chapters.

``EXPERIMENTS[name](wide_settings, rbf_example, progress=None) -> dict of arrays``; ``USES_DATA`` are
those that train on the post's data (Example 4's f), so their cache key includes Example 4;
``OWN_SECTION`` names the settings section an experiment reads besides ``[wide]`` (passed as ``g=``,
and part of its cache key).  :func:`run` calls one with what it reads from a ``Settings``.
"""

from __future__ import annotations

from . import gp_experiment, wide_experiments
from .settings import GPSettings


def _gp(s, rbf=None, progress=None, g=None) -> dict:
    return gp_experiment.gp_numbers(s, GPSettings() if g is None else g, rbf=rbf, progress=progress)


EXPERIMENTS = {
    "init_band": wide_experiments.init_band,
    "training_change": wide_experiments.training_change,
    "gp": _gp,
}
USES_DATA = frozenset({"training_change", "gp"})
OWN_SECTION = {"gp": "gp"}


def run(name: str, settings, progress=None) -> dict:
    """Experiment ``name`` under ``settings`` (:class:`ntkcore.settings.Settings`)."""
    own = {"g": getattr(settings, OWN_SECTION[name])} if name in OWN_SECTION else {}
    return EXPERIMENTS[name](settings.wide, settings.example("rbf"), progress=progress, **own)
