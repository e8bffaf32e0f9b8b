"""``python -m ntkcore report``: the numbers behind every scene, as JSON on stdout."""

from __future__ import annotations

import argparse
import json
import sys

from .examples import EXAMPLES, Example


def _floats(a) -> list:
    return [float(v) for v in a]


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ntkcore", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="print the numbers behind every scene as JSON")
    rep.add_argument("--example", action="append", metavar="NAME",
                     help=f"only this example (repeatable); one of: {', '.join(EXAMPLES)}")
    rep.add_argument("--config", metavar="FILE", help="TOML settings file overriding examples")
    args = parser.parse_args(argv)
    examples = EXAMPLES
    if args.config:
        from .config import ConfigError, load_config
        try:
            cfg = load_config(args.config)
        except ConfigError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        examples = {name: cfg.example(name) for name in EXAMPLES}
    names = args.example
    if names:
        unknown = [n for n in names if n not in EXAMPLES]
        if unknown:
            print(f"error: unknown example {unknown[0]!r}; valid examples: {', '.join(EXAMPLES)}",
                  file=sys.stderr)
            return 2
    json.dump(report(names, examples), sys.stdout)
    sys.stdout.write("\n")
    return 0
