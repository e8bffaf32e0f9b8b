"""Your own model: the three generic chapters, run on examples/tanh_net.py, draw ntkcore's numbers
for that model (arrows, dots, kernels, the exact NTK as J·Jᵀ), and a diverging setting stops with a
clear error before anything is drawn."""

import functools
import importlib.util
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ntkcore
from scene_helpers import (assert_arrows_match, assert_inside_frame, caption_texts, construct, curve_anchors,
                           points_data, recording, step_of)


TANH_FILE = Path(__file__).resolve().parent.parent / "examples" / "tanh_net.py"


def load_tanh():
    """examples/tanh_net.py as manim loads it: a module registered in ``sys.modules`` (the scenes
    find their words through the modules of their classes)."""
    spec = importlib.util.spec_from_file_location("tanh_net_example", TANH_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


M = load_tanh()
EX = M.TANH
F, THETA0 = M.tanh_net, jnp.asarray(EX.theta0, dtype=jnp.float64)
GRID = np.arange(EX.x_range[0], EX.x_range[1] + 1, dtype=float)
X_OBS, Y_OBS = EX.observation
I_OBS = int(np.flatnonzero(GRID == X_OBS)[0])


# ----------------------------------------------------------------- expected numbers, from ntkcore


def f_values():
    return np.asarray(ntkcore.values(F, THETA0, GRID))


def displacement():
    return np.asarray(ntkcore.displacement(F, THETA0, GRID, X_OBS, Y_OBS, EX.lr))


def step_eta():
    return -2.0 * EX.lr * (float(F(THETA0, X_OBS)) - Y_OBS)


def finite_normalized(xs, eta):
    k = np.asarray(ntkcore.finite_step_kernel(F, THETA0, np.append(xs, X_OBS), X_OBS, eta))
    return k[:-1] / k[-1]


def ntk_by_jacobian(xs):
    """k(x, x') / k(x', x') with k = J·Jᵀ, J from jax.jacfwd (not ntkcore)."""
    jac = jax.vmap(jax.jacfwd(F), in_axes=(None, 0))
    j = np.asarray(jac(THETA0, jnp.asarray(xs, dtype=jnp.float64)))        # (n, 10)
    j_obs = np.asarray(jax.jacfwd(F)(THETA0, jnp.float64(X_OBS)))            # (10,)
    return (j @ j_obs) / (j_obs @ j_obs)


def assert_scene_inside_frame(scene):
    """Every visible part of what is on screen at the end lies inside the frame (and there are many)."""
    assert len(assert_inside_frame(scene.mobjects)) > 50


@pytest.fixture(scope="module")
def arrows_scene():
    return construct(recording(M.TanhArrows))


@pytest.fixture(scope="module")
def kernel_scene():
    return construct(recording(M.TanhKernel))


#: The training chapter is built on the user's example with 4 steps instead of 15: it draws one
#: curve per step whatever their number, and every check below is against this example's own
#: trajectory (4 steps keep the build short; the frame of the real training chapter, 15 steps, is
#: checked in test_frames.py).
TRAIN_EX = EX.replace(steps=4)


@functools.lru_cache(maxsize=None)
def trajectory():
    return ntkcore.ascent_trajectory(F, THETA0, GRID, X_OBS, TRAIN_EX.ascent_lr, TRAIN_EX.steps)


@pytest.fixture(scope="module")
def training_scene():
    return construct(recording(type("TanhTraining", (M.TanhTraining,), {"example": TRAIN_EX})))


# ----------------------------------------------------------------- the user's file


def test_the_example_is_the_users_model():
    assert EX.f is M.tanh_net and EX.model_spec.n_params == 10 and len(EX.theta0) == 10
    assert EX.model_spec.param_names == ()          # so captions fall back to θ1, θ2, ...
    assert EX.steps == 15
    # the observation is reachable: the output layer alone spans more than the gap
    assert np.sum(np.abs(EX.theta0[6:9])) + EX.theta0[9] > Y_OBS
    for cls in (M.TanhArrows, M.TanhKernel, M.TanhTraining):
        assert cls.example is EX


# ----------------------------------------------------------------- the words


@pytest.mark.parametrize("fixture, table, chapter", [
    ("arrows_scene", "ModelArrows", "tanh_arrows"),
    ("kernel_scene", "ModelKernel", "tanh_kernel"),
    ("training_scene", "ModelTraining", "tanh_training"),
])
def test_the_words_come_from_the_library_script_under_the_users_step_ids(request, fixture, table, chapter):
    # scenes/your_model.toml holds a table per library class; the user's subclass speaks it, with
    # step ids named after itself and its example's title on the card
    scene = request.getfixturevalue(fixture)
    assert scene.script.source.endswith(f"your_model.toml [{table}]")
    ids = [s.id for s in scene.steps]
    assert ids[0] == f"{chapter}.title" and all(i.startswith(chapter + ".") for i in ids)
    assert len(set(ids)) == len(ids)
    assert scene.steps[0].caption.startswith(EX.title + " — ")
    for step in scene.steps:
        entry = scene.script.entry(step.key)
        # every placeholder filled, every value passed used (by the entry or one of its variants)
        assert entry.names(step.variant) <= set(step.values) <= entry.all_names(), step.id
        assert step.spoken, step.id
    shown = list(dict.fromkeys(s.key for s in scene.steps))
    assert shown == list(scene.script.entries)     # every entry shown, in the file's order


# ----------------------------------------------------------------- ModelArrows


def test_arrows_map_back_to_the_displacement(arrows_scene):
    f0, d = f_values(), displacement()
    assert sorted(arrows_scene.arrows) == list(range(len(GRID)))   # every dot moves
    assert_arrows_match(arrows_scene.axes, arrows_scene.arrows, GRID, f0, d, tol=1e-6)


def test_dots_end_on_f_plus_delta_and_the_curve_is_f(arrows_scene):
    xs, ys = points_data(arrows_scene.axes, [dot.get_center() for dot in arrows_scene.dots])
    np.testing.assert_allclose(xs, GRID, atol=1e-6)
    np.testing.assert_allclose(ys, f_values() + displacement(), atol=1e-6)
    cx, cy = points_data(arrows_scene.axes, arrows_scene.curve.get_anchors())
    np.testing.assert_allclose(cy, np.asarray(ntkcore.values(F, THETA0, cx)), atol=1e-6)


def test_cross_and_labels(arrows_scene):
    px, py = arrows_scene.axes.p2c(arrows_scene.cross.get_center())[:2]
    assert (px, py) == pytest.approx((X_OBS, Y_OBS), abs=1e-6)
    d = displacement()
    assert arrows_scene.i_up == int(np.argmax(d))
    assert arrows_scene.i_down is None and d.min() > 0          # nothing moves down for this model
    # the numbers the captions state
    assert step_of(arrows_scene, "gradient_step").values["lr"] == f"{EX.lr:g}"
    largest = step_of(arrows_scene, "largest_move")
    assert (largest.values["move"], largest.values["move_x"]) == (f"+{d.max():.1f}", f"{GRID[np.argmax(d)]:g}")
    assert largest.variant in ("none_down", "at_observation_none_down")      # nothing moves down
    assert step_of(arrows_scene, "observation").values["f"] == f"{f_values()[I_OBS]:.1f}"
    assert all(v in " ".join(caption_texts(arrows_scene)) for v in (f"{EX.lr:g}", f"{d.max():.1f}"))


def test_function_plot_holds_every_dot_and_arrow(arrows_scene):
    y_lo, y_hi = arrows_scene.axes.y_range[:2]
    f0, d = f_values(), displacement()
    drawn = np.concatenate([f0, f0 + d, [Y_OBS]])
    assert y_lo <= drawn.min() and drawn.max() <= y_hi
    # ... without being mostly empty: nice_range pads 6 % of the span on each side and rounds out to
    # a tick step below 2 × (padded span / 8 ticks) on each side, so the axis is shorter than
    # 1.12 × 1.5 = 1.68 spans
    assert (drawn.max() - drawn.min()) > (y_hi - y_lo) / 1.68


def test_arrows_scene_inside_the_frame(arrows_scene):
    assert_scene_inside_frame(arrows_scene)


# ----------------------------------------------------------------- ModelKernel


def test_kernel_dots_are_the_step_kernel(kernel_scene):
    ka = kernel_scene.kernel_axes
    xs, ys = points_data(ka, [dot.get_center() for dot in kernel_scene.kernel_dots])
    np.testing.assert_allclose(xs, GRID, atol=1e-6)
    d = displacement()
    np.testing.assert_allclose(ys, d / d[I_OBS], atol=1e-6)              # Δf(x) / Δf(x')
    np.testing.assert_allclose(ys, finite_normalized(GRID, step_eta()), atol=1e-6)


def test_kernel_curve_samples_are_the_step_kernel(kernel_scene):
    cx, cy = points_data(kernel_scene.kernel_axes, kernel_scene.kernel_curve.get_anchors())
    np.testing.assert_allclose(cy, finite_normalized(cx, step_eta()), atol=1e-6)
    assert cx.min() == pytest.approx(EX.x_range[0], abs=1e-6) and cx.max() == pytest.approx(EX.x_range[1], abs=1e-6)


def test_exact_ntk_is_j_times_j_transposed(kernel_scene):
    ka = kernel_scene.kernel_axes
    xs, ys = points_data(ka, [dot.get_center() for dot in kernel_scene.ntk_dots])
    np.testing.assert_allclose(xs, GRID, atol=1e-6)
    np.testing.assert_allclose(ys, ntk_by_jacobian(GRID), atol=1e-6)
    cx, cy = points_data(ka, kernel_scene.ntk_curve.get_anchors())
    np.testing.assert_allclose(cy, ntk_by_jacobian(cx), atol=1e-6)


def test_the_push_shrinks_to_the_ntk(kernel_scene):
    # k̃_ε − k = O(ε); the sweep of pushes ε ends at the step's own push / 100.
    etas = np.asarray(kernel_scene.etas)
    assert etas[0] == pytest.approx(step_eta(), rel=1e-12)
    assert np.all(np.diff(etas) < 0) and etas[-1] / etas[0] == pytest.approx(0.01)   # down to 1 % of the step
    for eta, k in zip(etas, kernel_scene.finite_grid):
        np.testing.assert_allclose(k, finite_normalized(GRID, eta), atol=1e-9)
    # k̃_ε − k = O(ε): the distance to the NTK shrinks with ε (within a factor 2 of proportionally);
    # the step's own kernel is visibly off it (more than 2 % of k(x', x') = 1)
    err = [np.max(np.abs(k - ntk_by_jacobian(GRID))) for k in kernel_scene.finite_grid]
    assert err[0] > 0.02
    assert err[-1] <= 2 * err[0] * etas[-1] / etas[0]


def test_annotated_maxima_and_no_negative_region(kernel_scene):
    k_step = finite_normalized(GRID, step_eta())
    assert kernel_scene.k_max_x == GRID[np.argmax(k_step)] != X_OBS
    assert kernel_scene.ntk_max_x == GRID[np.argmax(ntk_by_jacobian(GRID))]
    assert k_step.min() >= 0 and kernel_scene.neg_runs == [] and len(kernel_scene.neg_fill) == 0
    assert step_of(kernel_scene, "peak").values["peak_x"] == f"{GRID[np.argmax(k_step)]:g}"
    assert step_of(kernel_scene, "negative").variant == "never"                 # the words say so


def test_kernel_axes_hold_every_kernel(kernel_scene):
    y_lo, y_hi = kernel_scene.kernel_axes.y_range[:2]
    allk = np.concatenate([*kernel_scene.finite_fine, kernel_scene.ntk_fine])
    assert y_lo <= min(allk.min(), 0) and allk.max() <= y_hi


def test_kernel_scene_inside_the_frame(kernel_scene):
    assert_scene_inside_frame(kernel_scene)


# ----------------------------------------------------------------- ModelTraining


def kernels_along(thetas, eta):
    """k̃_η(x, x'; θ_t) / k̃_η(x', x'; θ_t) on the grid for every θ_t, (T+1, n)."""
    out = []
    for th in thetas:
        k = np.asarray(ntkcore.finite_step_kernel(F, th, np.append(GRID, X_OBS), X_OBS, eta))
        out.append(k[:-1] / k[-1])
    return np.stack(out)


def shares_at(theta):
    """(∂f(x')/∂θᵢ)² / Σ: each parameter's share of k(x', x'), from jax.jacfwd (not ntkcore)."""
    g = np.asarray(jax.jacfwd(F)(theta, jnp.float64(X_OBS)))
    return g ** 2 / (g @ g)


def pct(v):
    """A share as the captions print it: whole percents from 10 %, one decimal below."""
    return f"{100 * v:.0f}%" if v >= 0.1 else f"{100 * v:.1f}%"


def sub(i):
    return "θ" + str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def test_training_curves_are_the_kernels_along_the_trajectory(training_scene):
    traj = trajectory()
    k = kernels_along(traj.thetas, step_eta())      # the kernel chapter's push ε at every step
    assert len(training_scene.kernel_curves) == TRAIN_EX.steps + 1
    for t, curve in enumerate(training_scene.kernel_curves):
        xs, ys = curve_anchors(training_scene.kernel_axes, curve)
        np.testing.assert_allclose(xs, GRID, atol=1e-6)
        np.testing.assert_allclose(ys, k[t], atol=1e-6)
    # n = 0 is the kernel chapter's (red) finite-step curve: the step's Δf(x) / Δf(x')
    d = displacement()
    np.testing.assert_allclose(k[0], d / d[I_OBS], atol=1e-9)
    xs, ys = points_data(training_scene.axes, [dot.get_center() for dot in training_scene.dots])
    np.testing.assert_allclose(ys, traj.f[-1], atol=1e-6)
    # the kernel changes visibly during training (more than 5 % of its value at x')
    assert np.max(np.abs(k[-1] - k[0])) > 0.05


def test_training_names_the_share_that_grew_most_and_the_parameter_that_moved_most(training_scene):
    traj = trajectory()
    s0, s1 = shares_at(traj.thetas[0]), shares_at(traj.thetas[-1])
    th0, th1 = np.asarray(traj.thetas[0]), np.asarray(traj.thetas[-1])
    g, p = int(np.argmax(s1 - s0)), int(np.argmax(np.abs(th1 - th0)))
    assert (training_scene.share_grew, training_scene.most_moved) == (g, p)
    # no param_names: θ₁, θ₂, ... names; the two facts the reason step states (no cause claimed)
    v = step_of(training_scene, "reason").values
    assert (v["grew"], v["grew_start"], v["grew_end"]) == (sub(g + 1), pct(s0[g]), pct(s1[g]))
    assert (v["moved"], v["moved_start"], v["moved_end"]) == tuple(
        x.replace("-", "−") for x in (sub(p + 1), f"{th0[p]:.2f}", f"{th1[p]:.2f}"))
    assert "because" not in " ".join(caption_texts(training_scene)).lower()
    k = kernels_along(traj.thetas, step_eta())
    spread = k.max(axis=1) - k.min(axis=1)
    assert step_of(training_scene, "compare").variant == ("steeper" if spread[-1] > spread[0] else None)


def test_training_share_bars_map_back_to_the_shares(training_scene):
    traj = trajectory()
    for row, theta in (("start", traj.thetas[0]), ("end", traj.thetas[-1])):
        s = shares_at(theta)
        cats = [c[3] for c in training_scene.share_cats]
        assert len(cats) == 8 and cats[-1] is None          # 10 parameters: 7 bars and the rest
        kept = cats[:-1]
        expected = [100 * s[i] for i in kept] + [100 * (1 - s[kept].sum())]
        tops = [training_scene.share_axes.p2c(bar.get_top())[1] for bar in training_scene.share_bars[row]]
        np.testing.assert_allclose(tops, expected, atol=1e-6)


def test_one_symbol_per_meaning(kernel_scene, training_scene):
    # ε is the push (the kernel chapter's sweep, the training kernels), η a learning rate, n counts
    # steps: no caption names the push η or counts steps with t
    texts = caption_texts(kernel_scene) + caption_texts(training_scene)
    assert not any(s in t for t in texts for s in ("η →", "η = 0.0", "t = 0", "t = 4"))
    assert step_of(kernel_scene, "push").values["eps"] == f"{step_eta():.3f}"
    assert step_of(training_scene, "first_kernel").values["eps"] == f"{step_eta():.3f}"
    assert [lab.original_text for lab in (training_scene.story.first_label, training_scene.story.last_label)] == \
        ["n = 0", f"n = {TRAIN_EX.steps}"]


def test_training_axes_hold_everything(training_scene):
    traj = trajectory()
    y_lo, y_hi = training_scene.axes.y_range[:2]
    assert y_lo <= traj.f.min() and traj.f.max() <= y_hi
    assert_scene_inside_frame(training_scene)


# ----------------------------------------------------------------- divergence and misuse


@pytest.mark.parametrize("cls_name, field, what", [
    ("TanhArrows", "lr", "gradient-descent step"),
    ("TanhTraining", "ascent_lr", "gradient-ascent step"),
])
def test_divergence_stops_before_anything_is_drawn(cls_name, field, what):
    from manim import tempconfig

    from ntkcore.validation import SettingsError
    cls = type(cls_name + "Diverging", (getattr(M, cls_name),), {"example": EX.replace(**{field: 1e308})})
    scene = None
    with pytest.raises(SettingsError) as err:
        with tempconfig({"dry_run": True, "write_to_movie": False, "disable_caching": True,
                         "progress_bar": "none"}):
            scene = cls()
            scene.render()
    assert err.value.path == (field,) and err.value.source == "example 'tanh_net'"
    assert what in err.value.message and "1e+308" in err.value.message    # names the step and the rate
    assert scene is not None and scene.mobjects == []


def test_training_needs_steps():
    cls = type("NoSteps", (M.ModelTraining,), {"example": EX.replace(steps=0)})
    with pytest.raises(ValueError, match="steps > 0"):
        construct(cls)


def test_generic_chapter_without_an_example_says_what_to_do():
    from scenes.your_model import ModelArrows
    with pytest.raises(TypeError, match="example = ntkcore.Example"):
        construct(ModelArrows)


# ----------------------------------------------------------------- helpers


def test_nice_range_ticks_and_negative_runs():
    from ntkcore.facts import negative_runs
    from scenes.ranges import every_other_tick, nice_range
    lo, hi, step = nice_range([16.2, 57.0, 50.0])
    assert lo <= 16.2 and hi >= 57 and step in (5.0, 10.0) and lo % step == 0 and hi % step == 0
    assert every_other_tick((-0.5, 1.5, 0.5)) == [0.0, 1.0]
    lo, hi, step = nice_range([0.001, 0.0032])
    assert lo <= 0.001 and hi >= 0.0032 and step < 0.001
    assert negative_runs(np.array([1, -1, -2, 0.5, -0.1, 1])) == [(1, 2), (4, 4)]
    assert negative_runs(np.array([-1.0, 2.0, -3.0])) == [(0, 0), (2, 2)]


def poly_features(theta, x):
    """Linear in θ, nonlinear in x: f(x; θ) = θ₁·(x/10)² + θ₂·x/10 + θ₃."""
    return theta[0] * (x / 10) ** 2 + theta[1] * x / 10 + theta[2]


def test_a_model_linear_in_theta_says_its_kernels_are_identical(kernel_scene):
    """For a model linear in θ every push gives the exact kernel (the finite-step kernel is J·Jᵀ for
    any ε, checked here independently of the scene), and the chapter says 'identical' instead of
    'differs by up to 0.00'; the tanh network's kernels really differ, and it says by how much."""
    ex = ntkcore.Example(name="poly", title="Your model: features", theta0=(1.0, 2.0, 3.0), x_range=(-10, 20),
                         observation=(10.0, 50.0), lr=0.003, ascent_lr=0.05, steps=3,
                         model=ntkcore.ModelSpec(f=poly_features, n_params=3, latex=r"f = \theta_1 x^2 + \theta_2 x + \theta_3"))
    xs = np.arange(-10.0, 21.0)
    j = np.stack([(xs / 10) ** 2, xs / 10, np.ones_like(xs)], axis=1)      # ∇θ f by hand: it is linear in θ
    theta0 = jnp.asarray(ex.theta0, dtype=jnp.float64)
    for eta in (1.0, 0.01):
        k = np.asarray(ntkcore.finite_step_kernel(poly_features, theta0, xs, 10.0, eta))
        np.testing.assert_allclose(k, j @ j[20], rtol=1e-9, atol=1e-9)
    scene = construct(recording(type("PolyKernel", (M.TanhKernel,), {"example": ex})))
    said = step_of(scene, "exact").caption
    assert "identical" in said and "differs" not in said
    tanh = step_of(kernel_scene, "exact").caption
    assert "differs" in tanh and "identical" not in tanh

