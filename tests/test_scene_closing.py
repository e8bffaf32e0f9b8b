"""The closing recalls each lesson with the picture it came from, redrawn from ntkcore's numbers, and
each picture maps back to numbers computed here independently where a closed form or a hand
computation exists:

* lesson 1: one gradient step on (f(x′) − y)² at x′ = 10, on the lookup table (one red arrow, at
  x′, of −2·lr·(f(x′) − y)) and on the line 3x + 1 (an arrow at every x of −2·lr·(f(x′) − y)·(x·x′ + 1));
* lesson 2: the same line in its two parametrizations, θ₁x + θ₂ and θ₁x + 10·θ₂: arrows with the
  kernels x·x′ + 1 and x·x′ + 100 (closed forms), the constants written on the picture;
* lesson 3: Example 5's kernel k(x, 10)/k(10, 10) after each of its 15 steps (rbf_by_hand: NumPy with
  the hand-derived gradient);
* lessons 4–5: the wide networks' kernels (bands between the smallest and largest seed, the
  infinite-width Θ, one network's kernel during training at a narrow and a wide width), the widest
  network against kernel gradient descent, the NNGP posterior and the NTK-GP: the experiments' arrays
  (their numbers are checked in test_wide_experiments.py and test_gp*.py), with the facts the captions
  state (the wide kernel's spread and its move in training are smaller than the narrow one's).

Each lesson's large picture lies inside the title-safe area and is large enough to read; the
conclusion is the chapter's lesson (held longer) and points back at the gallery; the references
name Jacot et al. 2018, Lee et al. 2019 and the post."""

import numpy as np
import pytest

import rbf_by_hand as hand
from ntkcore import EXAMPLES
from scene_helpers import (arrow_data, assert_captions_fit, curve_anchors, numbers_in, points_data, step_of,
                           visible_parts)
from scenes.components.gp_plots import band_edges

STEPS_IN_ORDER = ["title", "lesson_step", "lesson_parametrization", "lesson_training", "lesson_width",
                  "lesson_kernel_gd", "lesson_bayes", "conclusion", "references"]
X_OBS, Y_OBS = 10.0, 50.0            # the post's observation (Examples 1–5)
GRID = np.arange(-10, 21, dtype=float)
SCALE = 10.0                         # Example 3: f = θ₁x + 10·θ₂


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("closing")


def drawn_arrows(panel):
    """{x: (y_start, length)} of a step panel's red arrows, in its data coordinates."""
    out = {}
    for arrow in panel.arrows:
        x0, x1, y0, y1 = arrow_data(None, panel.axes, arrow)
        assert x0 == pytest.approx(x1, abs=1e-6)              # vertical
        out[round(x0, 6)] = (y0, y1 - y0)
    return out


def assert_step_panel(panel, f0, d):
    """The dots at f0, an arrow of length d[i] at every x where d[i] ≠ 0 and none elsewhere, the
    blue cross at (x′, y)."""
    xs, ys = points_data(panel.axes, [dot.get_center() for dot in panel.dots])
    np.testing.assert_allclose(xs, GRID, atol=1e-6)
    np.testing.assert_allclose(ys, f0, atol=1e-6)
    arrows = drawn_arrows(panel)
    assert sorted(arrows) == pytest.approx(GRID[np.abs(d) > 1e-9].tolist(), abs=1e-6)
    for x, (y0, length) in arrows.items():
        i = int(np.argmin(np.abs(GRID - x)))
        assert y0 == pytest.approx(f0[i], abs=1e-6) and length == pytest.approx(d[i], abs=1e-6), x
    cx, cy = panel.axes.p2c(panel.cross.get_center())[:2]
    assert (cx, cy) == pytest.approx((X_OBS, Y_OBS), abs=1e-6)
    # the move at x′ is written beside its arrow, to one decimal, with its sign
    i = int(np.argmin(np.abs(GRID - X_OBS)))
    assert numbers_in(panel.move_label.original_text) == [pytest.approx(round(d[i], 1))]
    assert panel.move_label.original_text.startswith("+" if d[i] > 0 else "−")
    foot = panel.axes.c2p(X_OBS, f0[i])
    assert np.linalg.norm(panel.move_label.get_center() - foot) < 0.8


def line_step(constant: float):
    """f = 3x + 1 and the exact move of one GD step at x′ on (f(x′) − y)² when k(x, x′) = x·x′ + constant
    (a model linear in θ: the first-order move is the whole move)."""
    lr = EXAMPLES["linear"].lr
    f0 = 3 * GRID + 1
    residual = (3 * X_OBS + 1) - Y_OBS
    return f0, -2 * lr * residual * (GRID * X_OBS + constant)


def normalised_kernels():
    thetas = hand.ascent(hand.THETA0, EXAMPLES["training"].ascent_lr, EXAMPLES["training"].steps)
    return np.array([hand.ntk_column(th, hand.GRID) / hand.ntk_column(th, hand.X_OBS) for th in thetas])


def members(group):
    """The ids of a group's members."""
    return {id(m) for m in group}


def on_curve(axes, dashed, xs, ys, atol=1e-6):
    """Every point of a dashed curve lies on the polyline through (xs, ys); the dashes span it."""
    px, py = points_data(axes, dashed.get_all_points())
    np.testing.assert_allclose(py, np.interp(px, xs, ys), atol=atol)
    assert px.min() == pytest.approx(xs[0], abs=0.3) and px.max() == pytest.approx(xs[-1], abs=0.3)


# ------------------------------------------------------------------ the steps
def test_the_steps_in_order_and_the_conclusion_is_the_lesson(scene):
    keys = [s.key for s in scene.steps]
    assert keys == STEPS_IN_ORDER
    lessons = [s.key for s in scene.steps if s.lesson]
    assert lessons == ["conclusion"]
    # the conclusion holds longer than any set-up step (its reading time plus the lesson's hold)
    length = {s.key: s.end - s.begin for s in scene.steps}
    assert length["conclusion"] > max(v for k, v in length.items() if k != "conclusion")


def test_every_step_has_its_own_narration(scene):
    assert all(st.narration and st.narration != st.caption for st in scene.steps)


# ------------------------------------------------------------------ lesson 1: the lookup table and the line
def test_lesson_1_the_lookup_tables_one_arrow_and_the_lines_arrows_everywhere(scene):
    table, line = scene.bigs[0].panels
    ex = EXAMPLES["lookup_table"]
    f0 = 3 * GRID + 1                                           # the table holds 3x + 1 (Example 1)
    d = np.zeros_like(GRID)
    d[GRID == X_OBS] = -2 * ex.lr * (f0[GRID == X_OBS][0] - Y_OBS)  # only θ_x′ moves, ∂f(x′)/∂θ_x′ = 1
    assert_step_panel(table, f0, d)
    assert len(table.arrows) == 1
    assert_step_panel(line, *line_step(1.0))
    assert len(line.arrows) == len(GRID) - int(np.sum(GRID * X_OBS + 1 == 0))
    # the thumbnail in the gallery draws the same numbers
    for big, small in zip(scene.bigs[0].panels, scene.thumbs[0].panels):
        a, b = drawn_arrows(big), drawn_arrows(small)
        assert sorted(a) == sorted(b)
        assert [a[x][1] for x in sorted(a)] == pytest.approx([b[x][1] for x in sorted(b)], abs=1e-6)


def test_lesson_1_the_two_kernels_are_written(scene):
    table, line = scene.bigs[0].panels
    assert r"\begin{cases} 1 & x = x'" in table.kernel_tex.tex_string
    assert numbers_in(line.kernel_tex.tex_string.split("=")[-1]) == [1.0]          # x·x′ + 1


# ------------------------------------------------------------------ lesson 2: the parametrization
def test_lesson_2_the_line_in_two_parametrizations(scene):
    plain, scaled = scene.bigs[1].panels
    assert_step_panel(plain, *line_step(1.0))
    assert_step_panel(scaled, *line_step(SCALE ** 2))
    # the constants written on the picture are the closed forms 1 and 10²; the changed one highlighted
    consts = [numbers_in(p.kernel_tex[-1].tex_string) for p in (plain, scaled)]
    assert consts == [[1.0], [SCALE ** 2]]
    assert scaled.kernel_tex[-1].get_color().to_hex().upper() == scene.theme.highlight.upper()
    assert plain.axes.y_range[:2] == scaled.axes.y_range[:2]     # one y range: arrows compare
    # and the narration says the two constants drawn
    assert numbers_in(step_of(scene, "lesson_parametrization").narration) == [1.0, SCALE ** 2]


# ------------------------------------------------------------------ lesson 3: Example 5's kernel in training
def test_lesson_3_example_5s_kernel_after_every_step(scene):
    k = normalised_kernels()
    (panel,) = scene.bigs[2].panels
    assert len(panel.curves) == len(k) == EXAMPLES["training"].steps + 1
    for curve, expected in zip(panel.curves, k):
        xs, ys = curve_anchors(panel.axes, curve)
        np.testing.assert_allclose(xs, hand.GRID, atol=1e-6)
        np.testing.assert_allclose(ys, expected, atol=1e-6)
    # purple to orange, as in its chapter; the first and last curves named with their step numbers
    colours = [c.get_stroke_color().to_hex().upper() for c in panel.curves]
    assert colours[0] == scene.theme.kernel_start.upper() and colours[-1] == scene.theme.kernel_end.upper()
    ends = scene.bigs[2].labels[1]
    assert [numbers_in(e.original_text) for e in ends] == [[0.0], [float(len(k) - 1)]]
    # the caption's fact: training moved the kernel (the range over x shrank from first to last step)
    spread = k.max(axis=1) - k.min(axis=1)
    assert spread[-1] < 0.5 * spread[0]
    assert str(EXAMPLES["training"].steps) in step_of(scene, "lesson_training").narration


# ------------------------------------------------------------------ lesson 4: wide networks
def test_lesson_4_the_bands_of_random_starts_and_theta(scene, wide_data):
    init = wide_data["init_band"]
    panel = scene.bigs[3].panels[0]
    ends = [0, len(init["widths"]) - 1]
    assert panel.band_widths == [int(init["widths"][i]) for i in ends]
    spreads = []
    for band, i in zip(panel.bands, ends):
        xs, lower, upper = band_edges(panel.axes, band)
        np.testing.assert_allclose(xs, init["x"], atol=1e-6)
        np.testing.assert_allclose(lower, init["curves"][i].min(axis=0), atol=1e-6)
        np.testing.assert_allclose(upper, init["curves"][i].max(axis=0), atol=1e-6)
        spreads.append(float((upper - lower).max()))
    assert spreads[1] < spreads[0] / 2               # wide: every seed gives nearly the same kernel
    on_curve(panel.axes, panel.theta, init["x"], init["analytic_ntk"])
    # Θ lies inside the wide band almost everywhere (the kernel the seeds close in on)
    xs, lower, upper = band_edges(panel.axes, panel.bands[1])
    inside = (lower - 1e-9 <= init["analytic_ntk"]) & (init["analytic_ntk"] <= upper + 1e-9)
    assert inside.mean() >= 0.8


def test_lesson_4_training_moves_the_narrow_kernel_not_the_wide(scene, wide_data):
    tc = wide_data["training_change"]
    panels = scene.bigs[3].panels[1:]
    ends = [0, len(tc["widths"]) - 1]
    moves = []
    for panel, i in zip(panels, ends):
        assert panel.net_width == int(tc["widths"][i])
        assert len(panel.curves) == tc["k_steps"].shape[1]
        for curve, expected in zip(panel.curves, tc["k_steps"][i]):
            xs, ys = curve_anchors(panel.axes, curve)
            np.testing.assert_allclose(xs, tc["x"], atol=1e-6)
            np.testing.assert_allclose(ys, expected, atol=1e-6)
        k = tc["k_steps"][i]
        moves.append(np.abs(k[-1] - k[0]).max() / np.abs(k[0]).max())
    assert moves[1] < moves[0] / 4                   # barely moving when wide
    assert panels[0].axes.y_range[:2] == panels[1].axes.y_range[:2]
    titles = [t.original_text for t in scene.bigs[3].labels[1:3]]
    assert [numbers_in(t) for t in titles] == [[float(tc["widths"][i])] for i in ends]


# ------------------------------------------------------------------ lesson 5: kernel GD and the two GPs
def test_lesson_5_the_wide_network_follows_kernel_gradient_descent(scene, wide_data):
    gp = wide_data["gp"]
    left = scene.bigs[4].panels[0]
    xs, ys = curve_anchors(left.axes, left.network)
    np.testing.assert_allclose(xs, gp["x_grid"], atol=1e-6)
    np.testing.assert_allclose(ys, gp["net_f"][-1, -1], atol=1e-6)
    on_curve(left.axes, left.kgd, gp["x_grid"], gp["net_kgd_analytic"][-1, -1])
    dx, dy = points_data(left.axes, [d.get_center() for d in left.dots])
    np.testing.assert_allclose(dx, gp["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(dy, gp["y_train"], atol=1e-6)
    # the title names the drawn width
    assert numbers_in(scene.bigs[4].labels[0].original_text) == [float(gp["net_widths"][-1])]


def test_lesson_5_the_ntk_gp_beside_the_nngp_posterior(scene, wide_data):
    gp = wide_data["gp"]
    right = scene.bigs[4].panels[1]
    for which, mean, std in (("nngp", "nngp_mean", "nngp_std"), ("ntk", "ntk_gp_inf_mean", "ntk_gp_inf_std")):
        xs, ys = curve_anchors(right.axes, getattr(right, f"{which}_mean"))
        np.testing.assert_allclose(xs, gp["x_grid"], atol=1e-6)
        np.testing.assert_allclose(ys, gp[mean], atol=1e-6)
    xs, lower, upper = band_edges(right.axes, right.nngp_band)
    np.testing.assert_allclose(lower, gp["nngp_mean"] - right.stds * gp["nngp_std"], atol=1e-6)
    np.testing.assert_allclose(upper, gp["nngp_mean"] + right.stds * gp["nngp_std"], atol=1e-6)
    for edge, sign in zip(right.ntk_edges, (-1, 1)):
        on_curve(right.axes, edge, gp["x_grid"], gp["ntk_gp_inf_mean"] + sign * right.stds * gp["ntk_gp_inf_std"])
    # the two means differ (don't mix your kernels), and both pass through the data
    assert np.abs(gp["nngp_mean"] - gp["ntk_gp_inf_mean"]).max() > 0.05
    on = [int(np.argmin(np.abs(gp["x_grid"] - x))) for x in gp["x_train_post"]]
    np.testing.assert_allclose(gp["nngp_mean"][on], gp["y_train"], atol=1e-3)
    np.testing.assert_allclose(gp["ntk_gp_inf_mean"][on], gp["y_train"], atol=1e-3)
    formulas = [m.tex_string for m in scene.bigs[4].labels[2]]
    assert formulas == [r"\Theta(x, X)\,\Theta(X, X)^{-1}\,Y", r"K(x, X)\,K(X, X)^{-1}\,Y"]
    # told in two steps: kernel gradient descent first, then the Gaussian processes
    first, second = scene.bigs[4].stages
    assert members(first) == {id(scene.bigs[4].panels[0]), id(scene.bigs[4].labels[0])}
    assert {id(scene.bigs[4].panels[1]), id(scene.bigs[4].labels[2])} <= members(second)


# ------------------------------------------------------------------ layout: large, inside, readable
@pytest.mark.parametrize("n", range(5))
def test_each_lessons_picture_is_inside_the_safe_area_and_large(scene, n):
    w, h = scene.safe_box()
    big = scene.bigs[n]
    for part in visible_parts(big):
        (x0, y0, _), (x1, y1, _) = part.get_corner([-1, -1, 0]), part.get_corner([1, 1, 0])
        assert -w - 1e-6 <= x0 and x1 <= w + 1e-6 and -h - 1e-6 <= y0 and y1 <= h + 1e-6, part
    # the large picture fills the stage: most of the frame's width, over 40 % of its height
    assert big.drawing.width >= 0.75 * 2 * w
    assert big.drawing.height >= 0.4 * 2 * h
    for panel in big.panels:
        assert panel.axes.x_length >= 3.0 and panel.axes.y_length >= 2.5
    # its words are not shrunk below the smallest label size
    for m in big.labels.get_family():
        if hasattr(m, "font_size") and (getattr(m, "original_text", None) or getattr(m, "tex_string", None)):
            assert m.font_size >= 0.8 * scene.ty.LABEL_SIZE, getattr(m, "original_text", None) or m.tex_string
    # and the gallery's thumbnail lies in its slot under the heading, clear of the next one
    thumb = scene.thumbs[n]
    assert thumb.get_bottom()[1] >= big.get_top()[1] - 0.05
    if n < 4:
        assert thumb.get_right()[0] < scene.thumbs[n + 1].get_left()[0]


def test_the_conclusion_points_back_at_lessons_1_4_and_5(scene):
    boxes, _links = scene.marks
    for box, group in zip(boxes, ((0,), (3, 4))):
        inside = [scene.thumbs[i] for i in group]
        assert box.get_left()[0] <= min(t.get_left()[0] for t in inside)
        assert box.get_right()[0] >= max(t.get_right()[0] for t in inside)
    one_step, very_wide = (row[1].get_tex_string() for row in scene.conclusion)
    flat = one_step.replace(" ", "").replace(r"\,", "").replace(r"\;", "").replace(r"\big", "")
    # Δf(x) ≈ −η ∂L/∂f(x′) · k(x, x′) with L = (f(x′) − y)²: the minus sign, the factor 2, the residual
    assert flat.startswith(r"\Deltaf(x)\approx-2\eta(f(x')-y)k(x,x')")
    assert r"\Theta" in very_wide and r"\frac{d f_t(x)}{dt}" in very_wide
    assert_captions_fit(scene.captions)
    w, _ = scene.safe_box()
    for row in scene.conclusion:
        assert -w <= row.get_left()[0] and row.get_right()[0] <= w
    for row in scene.conclusion:
        assert row[1].font_size >= scene.ty.LABEL_SIZE


def test_the_references(scene):
    who = [group[0].original_text for group in scene.references[0]]
    assert any("Jacot" in s and "2018" in s for s in who)
    assert any(s.startswith("J. Lee") and "2019" in s for s in who)
    assert any("Huszár" in s for s in who)
    w, h = scene.safe_box()
    assert scene.references.get_left()[0] >= -w and scene.references.get_right()[0] <= w
    assert scene.references.get_bottom()[1] >= -h
