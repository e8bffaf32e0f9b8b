"""The kernel-gradient-descent chapter draws the numbers it is given: at every moment, each network
(the widest and the narrowest) and kernel GD from its f₀ with its initial NTK, kernel GD with the
infinite-width Θ, the training points; and the distances its captions print are the RMS
distances between the drawn curves.  Built with the SMALL [gp] settings of conftest; the
numbers themselves are checked in test_gp.py."""

import numpy as np
import pytest

from scene_helpers import (assert_captions_fit, assert_inside_frame, caption_of, caption_texts, curve_anchors,
                           numbers_in, points_data, step_of)


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["gp"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("kernel_gd")


def drawn(scene, panel, which):
    """(T, n) heights of the drawn curves of one panel (``which``: net_curves or kgd_curves)."""
    ax = scene.axes[panel]
    out = []
    for curve in getattr(scene, which)[panel]:
        xs, ys = curve_anchors(ax, curve)
        np.testing.assert_allclose(xs, scene.x, atol=1e-6)
        out.append(ys)
    return np.array(out)


def test_panels_are_the_widest_and_the_narrowest_network(scene, D):
    widths = D["net_widths"]
    assert [int(widths[i]) for i in scene.shown] == [int(widths.max()), int(widths.min())]
    assert [t.original_text for t in scene.titles] == [f"width {int(widths.max())}", f"width {int(widths.min())}"]


@pytest.mark.parametrize("panel", [0, 1])
def test_network_and_kernel_gd_curves_map_back_at_every_time(scene, D, panel):
    i = scene.shown[panel]
    np.testing.assert_allclose(drawn(scene, panel, "net_curves"), D["net_f"][i], atol=1e-6)
    np.testing.assert_allclose(drawn(scene, panel, "kgd_curves"), D["net_kgd_empirical"][i], atol=1e-6)
    # Both start from the same f₀.
    np.testing.assert_allclose(D["net_f"][i][0], D["net_kgd_empirical"][i][0], atol=1e-12)


def test_infinite_width_kernel_gd_maps_back(scene, D):
    i = scene.shown[0]
    for k, curve in enumerate(scene.arch_curve_solid):
        xs, ys = curve_anchors(scene.axes[0], curve)
        np.testing.assert_allclose(ys, D["net_kgd_analytic"][i][k], atol=1e-6)


def test_training_points_map_back(scene, D):
    for ax, dots in zip(scene.axes, scene.dots):
        xs, ys = points_data(ax, [dot.get_center() for dot in dots])
        np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
        np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)


def test_clock_counts_steps_of_the_learning_rate(scene, D):
    for k, lab in enumerate(scene.time_labels):
        t, steps, lr = numbers_in(lab.original_text)
        assert t == pytest.approx(D["times"][k]) and lr == pytest.approx(float(D["lr"]))
        assert steps * lr == pytest.approx(t)


def test_printed_distances_are_the_rms_gaps_between_the_drawn_curves(scene, D):
    # Read off the drawn curves, independently of ntkcore.gp.rms_gaps_over_time: the root-mean-square
    # distance over the plotted inputs (the wide-training chapter's gap measure).
    gaps = [np.sqrt(((drawn(scene, p, "net_curves") - drawn(scene, p, "kgd_curves")) ** 2).mean(axis=1))
            for p in (0, 1)]
    wide, narrow = gaps
    T = len(D["times"])
    mid, last = T - 2, T - 1
    first = caption_of(scene, "wide_gap")
    assert first.startswith("Width ") and "RMS gap at most" in first
    w, at_most, t_mid = numbers_in(first)[:3]
    assert at_most == pytest.approx(wide[1:mid + 1].max(), abs=0.005 + 1e-6) and t_mid == D["times"][mid]
    at_mid = caption_of(scene, "gaps")
    assert at_mid.startswith("At t = ")
    t, g_n, _, g_w, _ = numbers_in(at_mid)
    assert t == D["times"][mid]
    assert g_n == pytest.approx(narrow[mid], abs=0.005 + 1e-6) and g_w == pytest.approx(wide[mid], abs=0.005 + 1e-6)
    late = caption_of(scene, "much_later")
    nums = numbers_in(late)
    assert nums[0] == D["times"][last] and nums[1] * float(D["lr"]) == pytest.approx(D["times"][last])
    assert nums[2] == pytest.approx(wide[last], abs=0.005 + 1e-6)
    assert nums[4] == pytest.approx(narrow[last], abs=0.005 + 1e-6)


def test_kernel_change_is_quoted_at_the_time_on_the_clock(scene, D):
    narrow_i, wide_i = scene.shown[1], scene.shown[0]
    mid = len(D["times"]) - 2
    moved = caption_of(scene, "narrow")
    assert "its kernel has moved by" in moved
    t = numbers_in(moved.split("by t = ")[1])[0]
    pct = numbers_in(moved.split("moved by")[1])[0]
    assert t == D["times"][mid]                              # the clock's last time in that step
    assert pct == pytest.approx(100 * D["net_theta_change_t"][narrow_i][mid], abs=0.5 + 1e-6)
    assert "Frobenius" in moved
    dashed = caption_of(scene, "with_theta")
    assert dashed.startswith("Dashed:")
    rel = D["net_theta0_vs_analytic"][wide_i]
    assert numbers_in(dashed.split("= ")[1])[0] == pytest.approx(100 * rel, abs=(0.05 if rel < 0.1 else 0.5) + 1e-6)
    # both RMS gaps to the wide network at the last time: kernel GD with Θ, then with its own k₀,
    # read off the drawn curves
    last = len(D["times"]) - 1
    net = drawn(scene, 0, "net_curves")[last]
    xs, arch = curve_anchors(scene.axes[0], scene.arch_curve_solid[last])
    np.testing.assert_allclose(xs, scene.x, atol=1e-6)
    kgd = drawn(scene, 0, "kgd_curves")[last]
    t_said, with_theta = numbers_in(dashed.split("RMS gap to the network")[1])[:2]
    with_k0 = numbers_in(dashed.split("k₀:")[1])[0]
    assert t_said == D["times"][last]
    assert with_theta == pytest.approx(np.sqrt(np.mean((net - arch) ** 2)), abs=0.005 + 1e-6)
    assert with_k0 == pytest.approx(np.sqrt(np.mean((net - kgd) ** 2)), abs=0.005 + 1e-6)


def test_the_jump_is_where_the_drawn_narrow_kernel_gd_curve_steps_most(scene, D):
    # The caption's jump: where and how much kernel GD with the width-8 network's own NTK jumps (a
    # hidden unit switching), against the largest step between neighbouring drawn points.
    narrow_i, mid = scene.shown[1], len(D["times"]) - 2
    said = caption_of(scene, "jump")
    assert "jumps by" in said
    size, x = numbers_in(said)[:2]
    assert x == pytest.approx(D["net_jump_x"][narrow_i], abs=0.05 + 1e-9)
    assert size == pytest.approx(abs(D["net_jump"][narrow_i][mid]), abs=0.005 + 1e-9)
    ys = drawn(scene, 1, "kgd_curves")[mid]
    steps = np.abs(np.diff(ys))
    j = int(np.argmax(steps))
    assert scene.x[j] <= D["net_jump_x"][narrow_i] <= scene.x[j + 1]
    # The drawn step is the jump plus the slope over one grid cell: close to it.
    assert steps[j] == pytest.approx(abs(D["net_jump"][narrow_i][mid]), abs=0.1)


def test_captions_and_everything_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    mobs = list(scene.mobjects) + [*scene.axes, *scene.names, *scene.titles, scene.legend, scene.arch_legend,
                                   *scene.time_labels]
    assert_inside_frame(mobs, whole=True)
    assert any("kernel gradient descent" in c.lower() for c in caption_texts(scene))


def test_every_step_has_its_own_narration(scene):
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)


def test_the_input_map_is_said_in_the_chapters_words(scene):
    """gp_plots.input_map: the map on screen is math; its spoken words are the chapter's labels, the
    numbers formatted once (a translation that rewords the labels keeps them)."""
    from dataclasses import replace
    from types import SimpleNamespace

    from scenes.components.gp_plots import input_map
    # ntkcore.wide.embed: φ = π(x − x_min)/(x_max − x_min) − π/2, the input (cos φ, sin φ).
    words = "the point cos φ, sin φ on the unit circle, at the angle φ equal to π times {}, over {}, minus π over 2"
    assert input_map(scene, (-10, 20)) == ("(cos φ, sin φ),  φ = π(x + 10)/30 − π/2", words.format("x plus 10", 30))
    assert input_map(scene, (5, 25)) == ("(cos φ, sin φ),  φ = π(x − 5)/20 − π/2", words.format("x minus 5", 20))
    assert input_map(scene, (0, 20)) == ("(cos φ, sin φ),  φ = πx/20 − π/2", words.format("x", 20))
    lo, hi = scene.wide.x_range
    assert input_map(scene, (lo, hi))[1] in step_of(scene, "initial").narration
    other = replace(scene.script, labels={**scene.script.labels,
                                          "input_map": "der Punkt cos φ, sin φ, mit φ gleich π mal {shifted}, "
                                                       "durch {span}, minus π halbe",
                                          "input_shift_plus": "x plus {shift}"})
    reworded = SimpleNamespace(label=other.label)
    assert input_map(reworded, (-10, 20)) == (
        "(cos φ, sin φ),  φ = π(x + 10)/30 − π/2",
        "der Punkt cos φ, sin φ, mit φ gleich π mal x plus 10, durch 30, minus π halbe")
