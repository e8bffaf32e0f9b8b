"""``python -m ntkcore report``: the numbers behind every scene, as JSON on stdout that a person can
read and a program can parse.

Three reports (one per command-line switch):

* the post's five examples (chapters 1–6; default): :func:`readable_report`;
* ``--wide``: the wide-network chapters' experiments (chapters 7–8): :func:`wide_report`;
* ``--gp``: kernel gradient descent and the two Gaussian processes at infinite width (chapters
  9–11, closed forms only): :func:`gp_full_report`.

Each keeps the arrays it always had (plain lists of float64 numbers, unrounded, under the same keys)
and adds a readable layer: a ``"units"`` line, a ``"keys"`` block saying what every key is (its
shape and unit), and ``"facts"``: the numbers the chapters' captions state, each under a short
label, rounded to 6 significant digits, computed here from ntkcore's functions (never typed).
:func:`dumps` writes it indented, one line per list of numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from .examples import EXAMPLES, Example

#: Significant digits of a fact (the arrays are not rounded).
FACT_DIGITS = 6


def _floats(a) -> list:
    return [float(v) for v in np.asarray(a, dtype=np.float64)]


ZERO = 1e-12


def plain(value, digits: int = FACT_DIGITS):
    """``value`` as JSON-able plain data, floats rounded to ``digits`` significant digits (no −0.0;
    a magnitude under ``ZERO`` = 1e-12 is the float64 round-off of a zero in these O(1) quantities
    and reads 0): NumPy scalars and arrays become numbers and lists, tuples become lists."""
    if value is None or isinstance(value, (bool, np.bool_, str)):
        return bool(value) if isinstance(value, np.bool_) else value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return v
        r = float(f"{v:.{digits}g}")
        return 0.0 if abs(r) < ZERO else r
    if isinstance(value, dict):
        return {str(k): plain(v, digits) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return plain(value.tolist(), digits)
    if isinstance(value, (list, tuple)):
        return [plain(v, digits) for v in value]
    if hasattr(value, "__array__"):                  # a JAX array
        return plain(np.asarray(value), digits)
    raise TypeError(f"not plain data: {type(value).__name__}")


class Facts:
    """Labelled facts in the order added: ``values[key]`` (rounded plain data) and ``about[key]``
    (what it is, with its unit)."""

    def __init__(self):
        self.values, self.about = {}, {}

    def add(self, key: str, value, about: str) -> None:
        self.values[key] = plain(value)
        self.about[key] = about


def _g(v: float) -> str:
    """A rounded number as a caption writes it: ``0.38``, ``3``, ``−0.1`` (a true minus)."""
    return f"{plain(float(v)):g}".replace("-", "−")


def line_text(slope: float, intercept: float, var: str = "x") -> str:
    """``"0.38x + 0.038"``: a straight line in ``var``, its numbers rounded as facts are."""
    sign = "−" if intercept < 0 else "+"
    return f"{_g(slope)}{var} {sign} {_g(abs(intercept))}"


# --------------------------------------------------------------------------- chapters 1–6: the examples


def param_label(ex: Example, i: int) -> str:
    """Parameter ``i`` (0-based) of an example's model as the chapters name it: ``θ₁ (valley
    centre)``, ``θ₂``, or for a lookup table (one parameter per grid point) ``θ at x = 10``."""
    spec = ex.model_spec
    if spec.obs_on_grid and spec.n_params == len(ex.grid):
        return f"θ at x = {_g(ex.grid[i])}"
    if i < len(spec.param_names):
        return spec.param_names[i]
    return "θ" + str(i + 1).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def offset_parameters(ex: Example) -> list:
    """The parameters that enter f as an offset: ``∂f/∂θᵢ = 1`` at every grid point (at θ0)."""
    from . import core
    jac = np.asarray(core.jacobian(ex.f, ex.theta, ex.grid), dtype=np.float64).reshape(len(ex.grid), -1)
    return [int(i) for i in np.flatnonzero(np.all(np.abs(jac - 1.0) < 1e-12, axis=0))]


def example_facts(ex: Example) -> Facts:
    """What the chapters of example ``ex`` state, computed from its numbers (:class:`Facts`)."""
    from . import core
    from .facts import kernel_at_origin, kernel_peak, negative_runs, sign_change, straight_line
    from .step_facts import changed_parameters, first_order_gap, is_delta_kernel, offset_move, parameter_step
    from .step_facts import push_is_exact

    F = Facts()
    x_obs, y_obs = ex.observation
    xs, f0, i = ex.grid, ex.values(), ex.obs_index
    F.add("observation", {"x'": x_obs, "y": y_obs}, "the data point (x′, y) (the post's units, no physical unit)")
    F.add("f_at_x_obs", f0[i], "f(x′; θ0): the model's value at the observation before any step")
    line = straight_line(xs, f0)
    if line is not None:
        F.add("f_line", f"f(x) = {line_text(*line)}", "f before the step is this straight line on the grid")
    if ex.steps:
        _training_facts(F, ex)
        return F

    F.add("learning_rate", ex.lr, "learning rate η of the one gradient-descent step on (f(x′) − y)²")
    d_theta = parameter_step(ex)
    theta0 = np.asarray(ex.theta0)
    if len(theta0) <= 8:
        F.add("theta_before", theta0, "θ before the step, in the model's order (" +
              ", ".join(param_label(ex, k) for k in range(len(theta0))) + ")")
        F.add("theta_after", theta0 + d_theta, "θ after the step: θ − η∇θ(f(x′) − y)²")
    else:
        changed = changed_parameters(ex)
        F.add("parameters_changed", {param_label(ex, int(k)): [theta0[k], theta0[k] + d_theta[k]] for k in changed},
              "the parameters the step changes, [before, after] (every other one stays)")
    d = ex.displacement()
    moved = np.abs(d) > 1e-12 * max(1.0, float(np.abs(d).max()))
    F.add("step_at_x_obs", d[i], "Δf(x′): how far the step moves f at the observation (f's units)")
    j = int(np.argmax(np.abs(d)))
    F.add("largest_move", {"x": xs[j], "delta_f": d[j]}, "the longest red arrow: where, and Δf there")
    F.add("dots_moved", {"moved": int(moved.sum()), "of": len(xs)}, "how many grid points the step moves")
    step_line = straight_line(xs, d)
    if step_line is not None:
        F.add("step", f"Δf(x) = {line_text(*step_line)}", "the red arrows, Δf(x) = f(x; θ after) − f(x; θ before), "
              "lie on this line")
    both_ways = bool((d < 0).any() and (d > 0).any())
    F.add("sign_change_x", sign_change(xs, d) if both_ways else None,
          "x where Δf first changes sign, between grid points (null: every dot moves the same way or not at all)")
    if step_line is not None and step_line[0] != 0:
        F.add("still_x", -step_line[1] / step_line[0], "the x the step leaves in place: Δf(x) = 0 on its line")
    F.add("arrows_down_x", [[xs[a], xs[b]] for a, b in negative_runs(d)],
          "the grid x (first, last) of each run of dots the step moves down (Δf < 0)")
    # The kernel of this model at θ0
    k = ex.ntk_column()
    F.add("k_at_x_obs", k[i], "k(x′, x′): the exact NTK at the observation")
    if is_delta_kernel(ex):
        F.add("kernel", f"k(x, {_g(x_obs)}) = 1 if x = {_g(x_obs)}, else 0",
              "the exact NTK column: a lookup table's kernel is a delta")
    k_line = straight_line(xs, k)
    if k_line is not None:
        c = kernel_at_origin(ex)
        general = abs(k_line[0] - x_obs) < 1e-9 and abs(k_line[1] - c) < 1e-9 * max(1.0, abs(c))
        F.add("kernel", f"k(x, x′) = x·x′ + {_g(c)}" if general else f"k(x, {_g(x_obs)}) = {line_text(*k_line)}",
              "the exact NTK (x′ the observation's x)")
        F.add("kernel_constant", c, "k(0, 0): the constant term of the kernel x·x′ + c")
    exact = push_is_exact(ex.f, ex.theta, xs, x_obs)
    F.add("linear_in_theta", exact, "f is linear in θ: the step's kernel Δf(x)/η equals the exact NTK for any "
          "step size (no η² term)")
    if exact:
        return F
    # A model that is not linear in θ (Example 4): the step's kernel vs the exact NTK
    eta = ex.step_eta()
    k_step = ex.kernel_finite_normalized()
    F.add("push_eta", eta, "the step seen as a push along ∇θf(x′): η = −2·lr·(f(x′) − y), so Δf(x) = η·k̃_η(x, x′)")
    x_peak, v_peak = kernel_peak(ex.f, ex.theta, x_obs, ex.x_range, eta=eta)
    F.add("step_kernel_peak", {"x": x_peak, "value": v_peak},
          "where the step's kernel Δf(x)/Δf(x′) peaks on a continuous x (value: a fraction of its value at x′)")
    x_ntk, v_ntk = kernel_peak(ex.f, ex.theta, x_obs, ex.x_range)
    F.add("ntk_peak", {"x": x_ntk, "value": v_ntk}, "where the exact NTK k(x, x′)/k(x′, x′) peaks on a continuous x")
    j = int(np.argmin(k_step))
    F.add("step_kernel_min", {"x": xs[j], "value": k_step[j]},
          "the step's kernel at its lowest grid point (negative: those dots move the other way)")
    F.add("step_kernel_tails", [k_step[0], k_step[-1]], "the step's kernel at the grid's two ends")
    for off in offset_parameters(ex):
        d_off, level = offset_move(ex, off)
        F.add("offset_step", {"parameter": param_label(ex, off), "delta_theta": d_off, "level": level},
              "the offset's change in the step, and the level Δθ/Δf(x′) the step's kernel levels off to far away")
        break
    F.add("first_order_gap", first_order_gap(ex), "max |Δf − η·k(x, x′)| / max |Δf|: how far the step is from "
          "its first-order (kernel) prediction")
    return F


def _training_facts(F: Facts, ex: Example) -> None:
    """Example 5's facts: the exact NTK along the gradient-ascent trajectory."""
    from .kernel_shares import (example_ntk_kernels, example_peak_split, example_training_shares, peak_phases,
                                post_theta_readings)

    T = ex.steps
    names = [param_label(ex, k) for k in range(len(ex.theta0))]
    F.add("ascent", {"learning_rate": ex.ascent_lr, "steps": T},
          "gradient ascent θ ← θ + η∇θf(x′): its learning rate η and number of steps n = 1 … T")
    traj = ex.trajectory()
    F.add("f_at_x_obs_start_end", [traj.f[0, ex.obs_index], traj.f[T, ex.obs_index]], "f(x′) at n = 0 and n = T")
    F.add("theta_start", traj.thetas[0], "θ at n = 0 (" + ", ".join(names) + ")")
    F.add("theta_end", traj.thetas[T], "θ at n = T")
    k = example_ntk_kernels(ex)                       # (T+1, n) k(x, x′)/k(x′, x′)
    spread = k.max(axis=1) - k.min(axis=1)
    F.add("kernel_spread_start_end", [spread[0], spread[T]],
          "max − min over the grid of the exact NTK k(x, x′)/k(x′, x′) at n = 0 and n = T (smaller: flatter)")
    split = example_peak_split(ex)
    F.add("peak", {"start": {"x": split.x[0], "value": split.peak[0]},
                   "highest": {"n": split.highest, "x": split.x[split.highest], "value": split.peak[split.highest]},
                   "end": {"x": split.x[T], "value": split.peak[T]}},
          "the normalized kernel's highest grid point at n = 0, at the step n where it is highest, and at n = T")
    sh = example_training_shares(ex)
    F.add("shares_start", dict(zip(names, sh.shares[0])),
          "each parameter's share of k(x′, x′) = Σᵢ (∂f(x′)/∂θᵢ)² at n = 0 (fractions summing to 1)")
    F.add("shares_end", dict(zip(names, sh.shares[T])), "the same shares at n = T")
    F.add("gradient_at_x_obs_start", dict(zip(names, sh.grad_obs[0])), "∂f(x′)/∂θᵢ at n = 0")
    F.add("gradient_at_x_obs_end", dict(zip(names, sh.grad_obs[T])), "∂f(x′)/∂θᵢ at n = T")
    F.add("moved", dict(zip(names, sh.moved)), "θ_T − θ_0 of each parameter over training")
    F.add("moved_most", names[sh.most_moved], "the parameter that moved farthest")
    offsets = offset_parameters(ex)
    if offsets:
        rising, falling = peak_phases(split, offsets[0])
        F.add("peak_phases", {ph: {"from_n": p.start, "to_n": p.end, "floor_change": p.floor_change,
                                   "rest_change": p.rest_change, "peak_change": p.peak_change}
                              for ph, p in (("rising", rising), ("falling", falling))},
              f"the peak = the offset {names[offsets[0]]}'s share (a flat floor) + the other parameters' terms; "
              "how each changed while the peak rose, then fell")
    if ex.model == "rbf":
        readings = post_theta_readings(sh.moved, 4, sh.most_moved)
        F.add("post_theta4", {r.reading: {"parameter": names[r.ours], "moved": r.moved} for r in readings},
              "the post's “θ₄ changes the fastest” under each reading of its index: which of our parameters it "
              "names, and how far that one moved")


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


#: What each array of the examples' report is (n grid points, T gradient-ascent steps).
EXAMPLE_KEYS = {
    "x": "(n,) the grid: every whole number from x_min to x_max (the post's x, no physical unit)",
    "title": "the example's title, as its chapter writes it",
    "facts": "what the chapter states, each number labelled (see keys.facts); rounded to 6 significant digits",
    "f": "(n,) f(x; θ0) on the grid; for the training example (T+1, n), f at every step n = 0 … T",
    "displacement": "(n,) Δf(x) = f(x; θ after one gradient-descent step) − f(x; θ0): the red arrows",
    "kernel_finite_normalized": "(n,) the step's kernel Δf(x)/Δf(x′) = k̃_η(x, x′)/k̃_η(x′, x′) (1 at x′)",
    "ntk_normalized": "(n,) the exact NTK k(x, x′)/k(x′, x′) (1 at x′); training: (T+1, n), one row per step",
    "kernels_normalized": "(T+1, n) the finite-step kernel k̃(x, x′)/k̃(x′, x′) of each step of gradient ascent",
}


def readable_report(names=None, examples=EXAMPLES) -> dict:
    """:func:`report` with its readable layer: ``units``, ``keys`` (every array, and every fact's
    meaning under ``keys.facts``), and in each example its ``title`` and ``facts`` first."""
    numbers = report(names, examples)
    out = {"units": "x, y and f are the post's numbers (no physical unit); normalized kernels are fractions "
                    "of their value at x′ (1 at x′); facts are rounded to 6 significant digits, arrays are "
                    "exact float64",
           "keys": {}, "x": numbers.pop("x")}
    about = {}
    for name, block in numbers.items():
        ex = examples[name]
        F = example_facts(ex)
        about.update(F.about)
        out[name] = {"title": ex.title, "facts": F.values, **block}
    used = {k for name in numbers for k in out[name]} | {"x"}
    out["keys"] = {k: v for k, v in EXAMPLE_KEYS.items() if k in used}
    out["keys"]["facts"] = about
    return out


# --------------------------------------------------------------------------- chapters 7–8: wide networks


#: Dimensions named in :data:`WIDE_KEYS`' shapes.
WIDE_DIMS = {"n": "grid points x", "W": "widths", "S": "random seeds", "m": "training points",
             "K": "snapshots during training", "2": "the network input's two features"}

#: What each array of the wide-network experiments is: (its dimensions, what it is, its unit).
#: Kernels are those of the network's output f (f in scaled units), per unit of the parameters.
WIDE_KEYS = {
    "init_band": {
        "x": (("n",), "the grid, the post's x"),
        "x_scaled": (("n",), "u = 2(x − x_min)/(x_max − x_min) − 1 of each grid point, in [−1, 1]"),
        "x_input": (("n", "2"), "the network's input for each grid point: (cos(πu/2), sin(πu/2))"),
        "widths": (("W",), "the hidden-layer widths"),
        "curves": (("W", "S", "n"), "each random network's empirical NTK column k(x, x′) at initialization"),
        "analytic_ntk": (("n",), "the infinite-width NTK column Θ(x, x′) (closed form)"),
        "analytic_nngp": (("n",), "the infinite-width NNGP kernel column K(x, x′) (closed form)"),
        "ntk_peak_x": ((), "the grid x where Θ(·, x′) is largest"),
        "ntk_ends": (("2",), "Θ(x_min, x′) and Θ(x_max, x′) as fractions of Θ's peak"),
        "nngp_peak_x": ((), "the grid x where K(·, x′) is largest"),
        "nngp_ends": (("2",), "K(x_min, x′) and K(x_max, x′) as fractions of K's peak"),
        "spread": (("W",), "seed-to-seed spread: the std over seeds of k(x, x′), averaged over x, divided by the "
                           "mean |Θ(x, x′)| (a fraction)"),
        "spread_slope": ((), "the log–log slope of spread against width (spread ∝ width^slope; theory −0.5)"),
        "x_center": ((), "the x of u = 0 (kept from an earlier input map; explains nothing now)"),
        "obs_side": ((), "the sign of u′ = u(x′) (kept from an earlier input map)"),
        "shared": (("n",), "of the first-layer ReLUs that fire at x′, the fraction that also fire at x (infinite "
                           "width)"),
        "shared_far": ((), "the mean of shared over the grid points with u of the other sign than u′"),
        "shared_near": ((), "the mean of shared over the grid points with u of the same sign as u′"),
        "theta_far_max": ((), "the largest Θ(x, x′) with u of the other sign than u′"),
        "theta_near_max": ((), "the largest Θ(x, x′) with u of the same sign as u′"),
    },
    "training_change": {
        "x": (("n",), "the grid, the post's x"),
        "widths": (("W",), "the hidden-layer widths trained"),
        "train_x": (("m",), "the training inputs, the post's x"),
        "train_y": (("m",), "the training targets as the networks fit them: (y − y_shift)/y_scale"),
        "train_y_raw": (("m",), "the training targets in the post's units: Example 4's f at train_x, and the "
                                "observation's y"),
        "is_observation": (("m",), "true for the training point that is the post's observation"),
        "observation": (("2",), "the observation (x′, y), the post's units"),
        "rel_change": (("W", "S"), "‖k_T − k_0‖_F / ‖k_0‖_F: relative change of the whole kernel matrix on grid and "
                                   "training points over training (a fraction)"),
        "rel_change_slope": ((), "the log–log slope of rel_change (seed mean) against width (∝ width^slope)"),
        "k_before": (("W", "S", "n"), "the NTK column k_0(x, x′) before training"),
        "k_after": (("W", "S", "n"), "the NTK column k_T(x, x′) after the last step"),
        "col_change": (("W", "S"), "‖k_T(·, x′) − k_0(·, x′)‖ / ‖k_0(·, x′)‖: relative change of the column (a "
                                   "fraction)"),
        "drawn_seed": ((), "the seed whose networks the chapter draws"),
        "snap_steps": (("K",), "the gradient-descent steps at which k_steps is recorded (first 0, last T)"),
        "k_steps": (("W", "K", "n"), "the drawn seed's NTK column k_t(x, x′) at each of snap_steps"),
        "f_trained": (("W", "S", "n"), "the trained network on the grid (scaled units: (y − y_shift)/y_scale)"),
        "f_kernel": (("W", "S", "n"), "kernel regression with the network's initial NTK, "
                                      "f_0 + k_0(x, X) k_0(X, X)⁻¹ (Y − f_0(X)) (scaled units)"),
        "gap": (("W", "S"), "RMS over the grid of f_trained − f_kernel (scaled units)"),
        "final_loss": (("W", "S"), "the training loss after the last step (mean squared error, scaled units²)"),
    },
}


def describe_key(dims: tuple, text: str, value) -> str:
    """``"(W, S, n) = (5, 24, 31): text"``: a key's dimensions, its actual shape, what it is."""
    shape = np.shape(value)
    if not dims:
        return f"number: {text}"
    sym = "(" + ", ".join(dims) + (",)" if len(dims) == 1 else ")")
    actual = "(" + ", ".join(str(s) for s in shape) + (",)" if len(shape) == 1 else ")")
    return f"{actual}: {text}" if sym == actual else f"{sym} = {actual}: {text}"


def wide_keys(name: str, data: dict) -> dict:
    """What each key of experiment ``name``'s ``data`` is (shape and meaning); a key not in
    :data:`WIDE_KEYS` is said to be undocumented."""
    docs = WIDE_KEYS.get(name, {})
    out = {}
    for key, value in data.items():
        if key == "compute_seconds":
            continue
        if key in docs:
            out[key] = describe_key(*docs[key], value)
        else:
            out[key] = f"shape {tuple(np.shape(value))}: (undocumented)"
    return out


def wide_numbers(data: dict) -> dict:
    """A wide-network experiment's arrays as JSON-able lists (scalars stay numbers)."""
    return {k: (np.asarray(v).tolist()) for k, v in data.items() if k != "compute_seconds"}


def _by_width(widths, values) -> dict:
    return {str(int(w)): v for w, v in zip(np.asarray(widths), np.asarray(values, dtype=np.float64))}


def wide_facts(name: str, data: dict, s=None) -> Facts:
    """What chapters 7 (``init_band``) and 8 (``training_change``) state, from their numbers
    (``s``: the :class:`~ntkcore.settings.WideSettings` they were computed with, for the learning rate)."""
    from .settings import WideSettings
    from .wide_experiments import largest_deviation

    s = WideSettings() if s is None else s
    F = Facts()
    widths = np.asarray(data["widths"])
    if name == "init_band":
        curves = np.asarray(data["curves"])
        F.add("widths", widths, "the hidden-layer widths, narrowest first")
        F.add("seeds", curves.shape[1], "random networks per width")
        F.add("spread", _by_width(widths, data["spread"]), "seed-to-seed spread of k(x, x′) per width, as a fraction "
              "of the mean |Θ(x, x′)|")
        F.add("spread_slope", float(data["spread_slope"]), "spread ∝ width^slope (log–log fit; theory: −0.5)")
        F.add("largest_deviation", {str(int(w)): largest_deviation(c, data["analytic_ntk"])[1]
                                    for w, c in zip(widths, curves)},
              "max over seeds and x of |k(x, x′) − Θ(x, x′)|, as a fraction of Θ's peak, per width")
        F.add("ntk_peak_x", float(data["ntk_peak_x"]), "where the infinite-width NTK Θ(·, x′) peaks (post's x)")
        F.add("ntk_ends", np.asarray(data["ntk_ends"]), "Θ at x_min and x_max, as fractions of its peak")
        F.add("nngp_peak_x", float(data["nngp_peak_x"]), "where the NNGP kernel K(·, x′) peaks")
        F.add("nngp_ends", np.asarray(data["nngp_ends"]), "K at x_min and x_max, as fractions of its peak")
    elif name == "training_change":
        seed = int(data["drawn_seed"])
        T = int(np.asarray(data["snap_steps"])[-1])
        F.add("widths", widths, "the hidden-layer widths trained, narrowest first")
        F.add("seeds", np.asarray(data["rel_change"]).shape[1], "networks per width")
        F.add("training", {"steps": T, "learning_rate": s.lr, "time": T * s.lr},
              "full-batch gradient descent: steps, learning rate η, and time t = η·steps")
        F.add("column_change_drawn_seed", _by_width(widths, np.asarray(data["col_change"])[:, seed]),
              "how much the drawn network's kernel column k(·, x′) moved, ‖k_T − k_0‖/‖k_0‖ (a fraction), per width")
        F.add("matrix_change_mean", _by_width(widths, np.asarray(data["rel_change"]).mean(axis=1)),
              "relative change of the whole kernel matrix, mean over seeds, per width")
        F.add("matrix_change_slope", float(data["rel_change_slope"]),
              "change ∝ width^slope (log–log fit; bounds: −0.5 (Lee et al. 2019) to −1 (Dyer & Gur-Ari 2020))")
        F.add("gap_drawn_seed", _by_width(widths, np.asarray(data["gap"])[:, seed]),
              "RMS distance between the trained network and kernel regression with its initial NTK (scaled units)")
        F.add("gap_mean", _by_width(widths, np.asarray(data["gap"]).mean(axis=1)), "the same, mean over seeds")
        F.add("final_loss_max", float(np.max(data["final_loss"])), "the largest training loss after the last step")
    return F


def wide_report(experiment, settings) -> dict:
    """The ``--wide`` report: ``units``, ``keys`` and ``facts`` per experiment, ``architecture``, and the
    arrays of ``init_band`` and ``training_change`` (``experiment(name, settings)`` gives them)."""
    from .experiments import EXPERIMENTS

    data = {name: experiment(name, settings) for name in EXPERIMENTS if name != "gp"}
    return {
        "units": "x is the post's x (the networks see (cos(πu/2), sin(πu/2)) of u = 2(x − x_min)/(x_max − x_min) "
                 "− 1); targets and network outputs are scaled, (y − y_shift)/y_scale; kernels are those of the "
                 "scaled output; changes and spreads are fractions; facts are rounded to 6 significant digits",
        "keys": {"dimensions": WIDE_DIMS, **{name: wide_keys(name, d) for name, d in data.items()}},
        "facts": {name: wide_facts(name, d, settings.wide).values for name, d in data.items()},
        "architecture": architecture(settings.wide),
        **{name: wide_numbers(d) for name, d in data.items()},
    }


# --------------------------------------------------------------------------- chapters 9–11: Gaussian processes


def gp_report(s=None, g=None, rbf=None) -> dict:
    """The GP chapters' infinite-width numbers as plain JSON-able lists (no networks trained), for
    :class:`~ntkcore.settings.WideSettings` ``s`` and :class:`~ntkcore.settings.GPSettings` ``g``
    (the defaults when None).

    ``architecture`` (depth, the stds, and ``input``: the network's input as a function of u),
    ``x_train``/``y_train``/``x_test`` with x as the scalar u (targets as trained on; ``x_test`` from
    :func:`ntkcore.gp_experiment.gp_inputs`), ``times`` (finite, 0 first), ``nngp_posterior``
    mean/std over ``x_test``, ``ntk_gp`` mean/std (one row per time), ``ntk_gp_infinite_time``
    mean/std: all from one call of :func:`ntkcore.gp.gp_predict`.  (:func:`gp_full_report` adds the
    readable layer and the post's x.)
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


#: Away from the data: at least this far (in the post's x) from every training input (chapter 11).
AWAY = 1.0


def gp_facts(rep: dict, s, g) -> Facts:
    """What chapters 9–11 state from the closed forms (no network trained), from :func:`gp_report`'s
    ``rep`` (``s``, ``g``: its settings)."""
    from .facts import away_from, grid_indices, largest_gap, std_ratio_range
    from .gp import analytic_kernels
    from .gp_experiment import gp_inputs, network_inputs

    F = Facts()
    x = gp_inputs(s, g)                                        # (n,) post's x of x_test
    x_train = np.asarray(s.train_x, dtype=np.float64)
    cols = analytic_kernels(network_inputs(np.asarray(rep["x_test"])), s.inputs([s.x_obs]), s.arch)
    i_obs = int(grid_indices(x, [s.x_obs])[0]) if np.any(np.abs(x - s.x_obs) < 1e-9) else None
    F.add("input_map", "u = 2(x − x_min)/(x_max − x_min) − 1, network input (cos(πu/2), sin(πu/2))",
          "how the post's x reaches the network")
    if i_obs is not None:
        k_col, t_col = np.asarray(cols.k_td)[:, 0], np.asarray(cols.theta_td)[:, 0]
        k_n, t_n = k_col / k_col[i_obs], t_col / t_col[i_obs]
        j, _ = largest_gap(k_n, t_n)
        F.add("kernel_shapes", {"x": x[j], "K_over_K_at_x_obs": k_n[j], "Theta_over_Theta_at_x_obs": t_n[j]},
              "where the two kernel columns K(x, x′)/K(x′, x′) (NNGP) and Θ(x, x′)/Θ(x′, x′) (NTK) differ most")
    nm, ns = np.asarray(rep["nngp_posterior"]["mean"]), np.asarray(rep["nngp_posterior"]["std"])
    tm, ts = np.asarray(rep["ntk_gp_infinite_time"]["mean"]), np.asarray(rep["ntk_gp_infinite_time"]["std"])
    k, gap = largest_gap(nm, tm)
    F.add("mean_gap", {"x": x[k], "gap_scaled": gap, "gap_post_units": gap * s.y_scale},
          "where the NNGP posterior mean and the NTK-GP mean at t = ∞ differ most, and by how much (scaled "
          "units, and ×y_scale in the post's y)")
    off = away_from(x, x_train, AWAY)
    if off.any():
        lo, hi = std_ratio_range(ts, ns, off)
        F.add("std_ratio_away_from_data", {"min": lo, "max": hi, "away": AWAY},
              "NTK-GP std at t = ∞ / NNGP posterior std, over x at least `away` from every training input")
        F.add("ntk_gp_never_narrower", bool(lo >= 1.0 - 1e-9), "the NTK-GP band is nowhere narrower there")
    on = grid_indices(x, x_train)
    F.add("std_at_training_inputs_max", {"nngp": ns[on].max(), "ntk_gp_infinite_time": ts[on].max()},
          "both bands pinch at the data: the largest std at a training input (noise-free data: 0 up to round-off)")
    F.add("std_max", {"prior": np.asarray(rep["ntk_gp"]["std"][0]).max(), "nngp": ns.max(),
                      "ntk_gp_infinite_time": ts.max()},
          "the largest std over x: of the prior (t = 0, GP(0, K)), the NNGP posterior, the NTK-GP at t = ∞")
    last = np.asarray(rep["ntk_gp"]["mean"][-1])
    F.add("last_time_from_infinity", {"t": rep["times"][-1], "max_mean_difference": np.abs(last - tm).max()},
          "how close the NTK-GP mean at the last finite time is to its t = ∞ limit (scaled units)")
    return F


#: What each key of the ``--gp`` report is (n test inputs, m training points, T times).
GP_KEYS = {
    "architecture": "the infinite-width ReLU network: depth, weight/bias stds, and input (the network's input "
                    "as a function of u)",
    "input_map": "how the post's x becomes u and the network's input",
    "x_train": "(m,) the training inputs as u ∈ [−1, 1], the network's input scale",
    "x_train_post": "(m,) the same inputs in the post's x: x = x_min + (u + 1)(x_max − x_min)/2",
    "y_train": "(m,) the targets as trained on, scaled: (y − y_shift)/y_scale",
    "y_train_post": "(m,) the same targets in the post's y: y = y_shift + y_scale·y_train",
    "x_test": "(n,) the inputs the GPs are evaluated at, as u ∈ [−1, 1]",
    "x_test_post": "(n,) the same inputs in the post's x, x = x_min + (u + 1)(x_max − x_min)/2",
    "times": "(T,) gradient-flow times t (t = η·steps), 0 first",
    "nngp_posterior": "mean and std (n,) of the NNGP posterior, Bayes with the prior GP(0, K) (scaled units)",
    "ntk_gp": "mean and std (T, n) of the NTK-GP at each time: the spread of infinitely wide networks trained by "
              "gradient flow (scaled units)",
    "ntk_gp_infinite_time": "mean and std (n,) of the NTK-GP at t = ∞ (scaled units)",
}


def gp_full_report(s=None, g=None, rbf=None) -> dict:
    """The ``--gp`` report: :func:`gp_report`'s numbers (unchanged) with ``units``, ``keys`` and
    ``facts``, ``input_map``, and the post's x and y beside u and the scaled y (``x_train_post``,
    ``y_train_post``, ``x_test_post``)."""
    from .gp_experiment import gp_inputs
    from .settings import GPSettings, WideSettings

    s, g = WideSettings() if s is None else s, GPSettings() if g is None else g
    rep = gp_report(s, g, rbf)
    lo, hi = s.x_range
    F = gp_facts(rep, s, g)
    y_post = np.asarray(rep["y_train"]) * s.y_scale + s.y_shift
    return {
        "units": f"x_test and x_train are u, the network's input scale: u = 2(x − x_min)/(x_max − x_min) − 1 with "
                 f"x_min = {lo}, x_max = {hi}; the post's x is beside them (*_post). y, means and stds are scaled: "
                 f"(y − {_g(s.y_shift)})/{_g(s.y_scale)}; facts are rounded to 6 significant digits",
        "keys": {k: v for k, v in GP_KEYS.items()} | {"facts": F.about},
        "facts": F.values,
        "architecture": rep["architecture"],
        "input_map": {"u": "2(x − x_min)/(x_max − x_min) − 1", "x": "x_min + (u + 1)(x_max − x_min)/2",
                      "x_min": lo, "x_max": hi, "network_input": rep["architecture"]["input"],
                      "y_scaled": "(y − y_shift)/y_scale", "y_shift": s.y_shift, "y_scale": s.y_scale},
        "x_train": rep["x_train"], "x_train_post": _floats(s.train_x),
        "y_train": rep["y_train"], "y_train_post": _floats(y_post),
        "x_test": rep["x_test"], "x_test_post": _floats(gp_inputs(s, g)),
        **{k: rep[k] for k in ("times", "nngp_posterior", "ntk_gp", "ntk_gp_infinite_time")},
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


# --------------------------------------------------------------------------- printing


def dumps(obj, indent: int = 2, _level: int = 0) -> str:
    """JSON a person can read: objects indented, a list of numbers on one line, a list of lists one
    row per line; ``json.loads(dumps(x)) == json.loads(json.dumps(x))``.  Non-ASCII kept (Δ, θ, ′)."""
    pad, inner = " " * (indent * _level), " " * (indent * (_level + 1))
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent, _level + 1)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in obj):
        return "[\n" + ",\n".join(inner + dumps(v, indent, _level + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)


# --------------------------------------------------------------------------- the command line


def build_parser(prog: str = "python -m ntkcore report") -> argparse.ArgumentParser:
    rep = argparse.ArgumentParser(prog=prog, description="print the numbers behind every scene as labelled JSON")
    rep.add_argument("--example", action="append", metavar="NAME",
                     help=f"only this example (repeatable); one of: {', '.join(EXAMPLES)}")
    rep.add_argument("--wide", action="store_true",
                     help="the wide-network chapters' numbers (architecture, init_band, training_change)")
    rep.add_argument("--gp", action="store_true",
                     help="kernel gradient descent and the NNGP/NTK Gaussian processes")
    rep.add_argument("--config", metavar="FILE", help="TOML settings file (examples, [wide], [gp])")
    return rep


def load(args):
    """The settings of parsed ``args`` and the examples they name: ``(settings, names)``; a
    :class:`~ntkcore.validation.SettingsError` or ``ValueError`` (an unknown example) says what is wrong."""
    from .settings import DEFAULTS, load_settings
    settings = load_settings(args.config) if getattr(args, "config", None) else DEFAULTS
    names = getattr(args, "example", None)
    if names:
        unknown = [n for n in names if n not in EXAMPLES]
        if unknown:
            raise ValueError(f"unknown example {unknown[0]!r}; valid examples: {', '.join(EXAMPLES)}")
    return settings, names


def run_report(args, experiment=None) -> int:
    """Print the JSON report of parsed ``args``.  ``experiment(name, settings)`` gives a
    wide-network experiment's numbers (default: compute them now; the pipeline passes its cache)."""
    from .validation import SettingsError
    try:
        settings, names = load(args)
    except (SettingsError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.gp:
        out = gp_full_report(settings.wide, settings.gp, rbf=settings.example("rbf"))
    elif args.wide:
        from .experiments import EXPERIMENTS
        if experiment is None:
            def experiment(name, s):
                return EXPERIMENTS[name](s.wide, s.example("rbf"))
        out = wide_report(experiment, settings)
    else:
        out = readable_report(names, settings.examples)
    sys.stdout.write(dumps(out))
    sys.stdout.write("\n")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] != ["report"]:
        print("usage: python -m ntkcore report [--example NAME] [--wide] [--gp] [--config FILE]", file=sys.stderr)
        return 2
    for stream in (sys.stdout, sys.stderr):       # an ASCII terminal: write what can be written
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    return run_report(build_parser().parse_args(argv[1:]))
