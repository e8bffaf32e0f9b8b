"""``python -m ntkcore report``: the numbers behind every scene, as JSON on stdout."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from .examples import EXAMPLES, Example


def _floats(a) -> list:
    return [float(v) for v in np.asarray(a, dtype=np.float64)]


def example_numbers(ex: Example) -> dict:
    """The report entry of one example: plain lists of floats in grid order (its grid as "x")."""
    out = _numbers(ex)
    out["x"] = _floats(ex.grid)
    return out


def _numbers(ex: Example) -> dict:
    if ex.steps:
        traj = ex.trajectory()
        return {
            "f": [_floats(row) for row in traj.f],
            "kernels_normalized": [_floats(row) for row in ex.kernels_normalized()],
            "ntk_normalized": [_floats(row / row[ex.obs_index]) for row in traj.ntk],
        }
    out = {"f": _floats(ex.values()), "displacement": _floats(ex.displacement())}
    if ex.model_spec.n_params is not None and ex.name == "rbf":
        out["kernel_finite_normalized"] = _floats(ex.kernel_finite_normalized())
        out["ntk_normalized"] = _floats(ex.ntk_normalized())
    return out


def report(names=None, examples=EXAMPLES) -> dict:
    """``{"x": grid, name: numbers, ...}`` for the named examples (all by default)."""
    names = list(examples) if names is None else names
    first = examples[names[0]]
    out = {"x": _floats(first.grid)}
    for name in names:
        out[name] = example_numbers(examples[name])
    return out


def gp_report(s=None, g=None, rbf=None) -> dict:
    """The GP chapters' infinite-width numbers as plain JSON-able lists (no networks trained), for
    :class:`~ntkcore.settings.WideSettings` ``s`` and :class:`~ntkcore.settings.GPSettings` ``g``
    (the defaults when None).

    ``architecture`` (depth, the stds, and ``input``: the network's input as a function of u),
    ``x_train``/``y_train``/``x_test`` with x as the scalar u (targets as trained on; ``x_test`` from
    :func:`ntkcore.gp_experiment.gp_inputs`), ``times`` (finite, 0 first), ``nngp_posterior``
    mean/std over ``x_test``, ``ntk_gp`` mean/std (one row per time), ``ntk_gp_infinite_time``
    mean/std: all from one call of :func:`ntkcore.gp.gp_predict`.
    """
    from .gp import gp_predict
    from .gp_experiment import gp_data, network_inputs
    from .settings import GPSettings, WideSettings

    s, g = WideSettings() if s is None else s, GPSettings() if g is None else g
    arch = s.arch
    x_test, x_train, y_train = gp_data(s, g, rbf)
    pred = gp_predict(network_inputs(x_test), network_inputs(x_train), y_train, g.times + (float("inf"),), arch)
    T = len(g.times)
    return {
        "architecture": architecture(s),
        "x_train": _floats(x_train), "y_train": _floats(y_train), "x_test": _floats(x_test),
        "times": _floats(g.times),
        "nngp_posterior": {"mean": _floats(pred.nngp.mean), "std": _floats(pred.nngp.std)},
        "ntk_gp": {"mean": [_floats(r) for r in pred.ntk.mean[:T]], "std": [_floats(r) for r in pred.ntk.std[:T]]},
        "ntk_gp_infinite_time": {"mean": _floats(pred.ntk.mean[T]), "std": _floats(pred.ntk.std[T])},
    }


def architecture(s) -> dict:
    """The wide networks' architecture for the report: depth, the weight and bias stds, and
    ``input``, the network's input as a function of ``u = 2(x − x_min)/(x_max − x_min) − 1``
    (:data:`ntkcore.wide.EMBED_TEXT`)."""
    from .wide import EMBED_TEXT
    arch = s.arch
    return {"depth": arch.depth, "w_std": float(arch.w_std), "b_std": float(arch.b_std),
            "readout_w_std": float(arch.readout_w_std), "readout_b_std": float(arch.readout_b_std),
            "input": EMBED_TEXT}


def wide_numbers(data: dict) -> dict:
    """A wide-network experiment's arrays as JSON-able lists (scalars stay numbers)."""
    return {k: (np.asarray(v).tolist()) for k, v in data.items() if k != "compute_seconds"}


def build_parser(prog: str = "python -m ntkcore report") -> argparse.ArgumentParser:
    rep = argparse.ArgumentParser(prog=prog, description="print the numbers behind every scene as JSON")
    rep.add_argument("--example", action="append", metavar="NAME",
                     help=f"only this example (repeatable); one of: {', '.join(EXAMPLES)}")
    rep.add_argument("--wide", action="store_true",
                     help="the wide-network chapters' numbers (architecture, init_band, training_change)")
    rep.add_argument("--gp", action="store_true",
                     help="kernel gradient descent and the NNGP/NTK Gaussian processes")
    rep.add_argument("--config", metavar="FILE", help="TOML settings file (examples, [wide], [gp])")
    return rep


def run_report(args, experiment=None) -> int:
    """Print the JSON report of parsed ``args``.  ``experiment(name, settings)`` gives a
    wide-network experiment's numbers (default: compute them now; the pipeline passes its cache)."""
    from .settings import DEFAULTS, load_settings
    from .validation import SettingsError
    settings = DEFAULTS
    if args.config:
        try:
            settings = load_settings(args.config)
        except SettingsError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    names = args.example
    if names:
        unknown = [n for n in names if n not in EXAMPLES]
        if unknown:
            print(f"error: unknown example {unknown[0]!r}; valid examples: {', '.join(EXAMPLES)}",
                  file=sys.stderr)
            return 2
    if args.gp:
        out = gp_report(settings.wide, settings.gp, rbf=settings.example("rbf"))
    elif args.wide:
        from .experiments import EXPERIMENTS
        if experiment is None:
            def experiment(name, s):
                return EXPERIMENTS[name](s.wide, s.example("rbf"))
        out = {"architecture": architecture(settings.wide),
               **{name: wide_numbers(experiment(name, settings)) for name in EXPERIMENTS if name != "gp"}}
    else:
        out = report(names, settings.examples)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] != ["report"]:
        print("usage: python -m ntkcore report [--example NAME] [--wide] [--gp] [--config FILE]", file=sys.stderr)
        return 2
    return run_report(build_parser().parse_args(argv[1:]))
