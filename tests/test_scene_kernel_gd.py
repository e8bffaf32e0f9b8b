"""The kernel-gradient-descent chapter draws the numbers it is given and derives its equation on
screen.  Every moment it shows (a width, a time) maps back: the network's curve is ntkcore's trained
network, the purple curve kernel GD with that network's own initial NTK k₀, the clock the time and the
steps of η; the dashed curve of the lesson is kernel gradient descent with the infinite-width Θ, run
here by hand from Θ computed the textbook way (arc-cosine form); the derivation is one chain of
``TransformMatchingTex`` morphs from the linearised network to f∞ = f₀ + Θ(x,X)Θ⁻¹(Y − f₀(X)), whose
right side is where that by-hand kernel GD ends; the printed numbers are read off the drawn curves.
Built with the SMALL [gp] settings of conftest; the numbers themselves are checked in test_gp.py."""

import numpy as np
import pytest

from scene_helpers import (assert_captions_fit, assert_inside_frame, caption_of, caption_texts, curve_anchors,
                           numbers_in, points_data, step_of, texts_at)


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["gp"]


@pytest.fixture(scope="module")
def S(wide_data):
    return wide_data.settings.wide


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("kernel_gd")


def heights(scene, curve):
    """The heights of a drawn curve at the plotted x (its anchors, read back through the axes)."""
    xs, ys = curve_anchors(scene.axes, curve)
    np.testing.assert_allclose(xs, scene.x, atol=1e-6)
    return ys


def rms(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def theta_by_hand(S, x_post):
    """Θ(x, X) and Θ(X, X) of the architecture at infinite width, by the textbook arc-cosine route
    (ntkcore.wide.relu_kernels_arccos), on the networks' inputs of the post's x."""
    from ntkcore import wide
    X = S.inputs(np.asarray(S.train_x, dtype=float))
    x = S.inputs(np.asarray(x_post, dtype=float))
    _, t_xX = wide.relu_kernels_arccos(x, X, *S.arch)
    _, t_XX = wide.relu_kernels_arccos(X, X, *S.arch)
    return np.asarray(t_xX), np.asarray(t_XX)


def kernel_gd_by_hand(k_xX, k_XX, f0_x, f0_X, y, lr, steps):
    """Plain kernel gradient descent, one step at a time: f ← f − η k(·, X)(f(X) − Y)."""
    f_x, f_X = np.array(f0_x, dtype=float), np.array(f0_X, dtype=float)
    for _ in range(steps):
        err = f_X - y
        f_x, f_X = f_x - lr * k_xX @ err, f_X - lr * k_XX @ err
    return f_x


# --------------------------------------------------------------------------- the curves


def test_the_widest_and_the_narrowest_network_are_shown(scene, D):
    widths = [int(w) for w in D["net_widths"]]
    shown = {i for _, i, _ in scene.moments}
    assert {int(D["net_widths"][i]) for i in shown} == {max(widths), min(widths)}
    for i in shown:
        assert numbers_in(scene.titles[i].original_text) == [int(D["net_widths"][i])]
    # the wide network first and last, the narrow one in its own step
    assert int(D["net_widths"][scene.moments[0][1]]) == max(widths)
    assert int(D["net_widths"][scene.moments[-1][1]]) == max(widths)
    assert {int(D["net_widths"][i]) for key, i, _ in scene.moments if key == "narrow"} == {min(widths)}


def test_every_moment_shown_maps_back_to_ntkcore(scene, D):
    lr = float(D["lr"])
    for key, i, k in scene.moments:
        where = f"{key}: width {int(D['net_widths'][i])}, t = {D['times'][k]}"
        np.testing.assert_allclose(heights(scene, scene.net_curves[i][k]), D["net_f"][i][k], atol=1e-6, err_msg=where)
        np.testing.assert_allclose(heights(scene, scene.kgd_curves[i][k]), D["net_kgd_empirical"][i][k], atol=1e-6,
                                   err_msg=where)
        t, steps, eta = numbers_in(scene.clocks[k].original_text)
        assert t == pytest.approx(float(D["times"][k])) and eta == pytest.approx(lr), where
        assert steps * lr == pytest.approx(t), where
    # each network and its kernel GD start from the same f₀; training runs forward in every step
    for i in {i for _, i, _ in scene.moments}:
        np.testing.assert_allclose(D["net_f"][i][0], D["net_kgd_empirical"][i][0], atol=1e-12)
    for key in ("train", "narrow"):
        ks = [k for s, _, k in scene.moments if s == key]
        assert ks and ks == sorted(ks), key
    # the chapter runs to the last time ntkcore computed, on the wide network
    assert scene.moments[-1][2] == len(D["times"]) - 1


def test_what_is_on_screen_at_the_end_is_the_last_moment(scene, D):
    _, i, k = scene.moments[-1]
    np.testing.assert_allclose(heights(scene, scene.net_now), D["net_f"][i][k], atol=1e-6)
    np.testing.assert_allclose(heights(scene, scene.kgd_now), D["net_kgd_empirical"][i][k], atol=1e-6)
    # the clock and the title on screen were morphed into the last moment's (a Transform keeps the
    # text's original words, so compare where its ink is: its box, glyph by glyph)
    for now, target in ((scene.clock_now, scene.clocks[k]), (scene.title_now, scene.titles[i])):
        a, b = now.family_members_with_points(), target.family_members_with_points()
        boxes = lambda ms: sorted((round(m.get_left()[0], 4), round(m.get_bottom()[1], 4),  # noqa: E731
                                   round(m.get_right()[0], 4), round(m.get_top()[1], 4)) for m in ms)
        assert set(boxes(b)) <= set(boxes(a))          # every glyph of the target (the rest are the morph's copies)
        np.testing.assert_allclose([now.width, now.height], [target.width, target.height], atol=1e-6)
        np.testing.assert_allclose(now.get_center(), target.get_center(), atol=1e-6)


def test_the_dashed_curve_is_kernel_gd_with_theta_run_by_hand(scene, D, S):
    """At every time, the lesson's curve (and the built ones) are kernel GD with the infinite-width
    Θ at the networks' learning rate from the wide network's f₀, recomputed here step by step."""
    i = scene.wide_i
    t_xX, t_XX = theta_by_hand(S, scene.x)
    lr = float(D["lr"])
    f0_x, f0_X = D["net_f"][i][0], D["net_f_train"][i][0]
    for k, t in enumerate(D["times"]):
        steps = int(round(float(t) / lr))
        expected = kernel_gd_by_hand(t_xX, t_XX, f0_x, f0_X, D["y_train"], lr, steps)
        np.testing.assert_allclose(heights(scene, scene.theta_solid[k]), expected, atol=1e-6)
    # the dashes on screen lie on that curve
    dashes = np.vstack([d.points for d in scene.theta.family_members_with_points()])
    xs, ys = points_data(scene.axes, dashes)
    np.testing.assert_allclose(ys, np.interp(xs, scene.x, heights(scene, scene.theta_solid[-1])), atol=1e-3)
    assert xs.min() == pytest.approx(scene.x[0], abs=1e-6) and xs.max() == pytest.approx(scene.x[-1], abs=1e-6)
    # … and run on, it ends at the derivation's last line: f∞ = f₀ + Θ(x,X)Θ(X,X)⁻¹(Y − f₀(X))
    f_inf = f0_x + t_xX @ np.linalg.solve(t_XX, D["y_train"] - f0_X)
    np.testing.assert_allclose(kernel_gd_by_hand(t_xX, t_XX, f0_x, f0_X, D["y_train"], lr, 20000), f_inf, atol=1e-6)


def test_training_points_map_back(scene, D):
    xs, ys = points_data(scene.axes, [dot.get_center() for dot in scene.dots])
    np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)


# --------------------------------------------------------------------------- the derivation


def test_the_derivation_is_one_chain_of_matching_tex_morphs(scene):
    from scenes.components import equations as eq
    der = scene.derivation
    lines = [eq.LINEARISED, eq.DIFFERENTIATED, eq.GRADIENT_FLOW, eq.kernel_gd(eq.K0), eq.solution(eq.K0),
             eq.limit(eq.K0), eq.LIMIT]
    assert der.lines == [eq.tex(p) for p in lines]
    first, *rest = der.moves
    assert first == (None, eq.tex(eq.LINEARISED), "FadeIn")
    previous = first[1]
    for source, target, cls in rest:
        assert source == previous and cls == "TransformMatchingTex", (source, target, cls)
        previous = target
    # the ODE is kernel gradient descent, the last line its end point with Θ, what stays on screen
    assert r"\frac{d f_t(x)}{dt} = - k_0 (x, X)" in eq.tex(eq.kernel_gd(eq.K0))
    assert der.parts == tuple(eq.LIMIT) and eq.LIMIT.count(eq.THETA) == 2 and eq.K0 not in eq.LIMIT


def test_the_morphs_keep_what_reads_the_same(scene):
    """A morph moves the parts the two lines share: each line after the first keeps at least half of
    the previous line's parts (the rest are named in the morph or fade)."""
    from scenes.components import equations as eq
    lines = [eq.LINEARISED, eq.DIFFERENTIATED, eq.GRADIENT_FLOW, eq.kernel_gd(eq.K0), eq.solution(eq.K0),
             eq.limit(eq.K0), eq.LIMIT]
    for a, b in zip(lines, lines[1:]):
        assert len(set(a) & set(b)) >= 2, (a, b)


def test_each_kernel_keeps_its_colour(scene):
    from manim import ManimColor
    from scenes.components import equations as eq
    theta = [p for p in scene.derivation.current.submobjects if p.tex_string == eq.THETA]
    assert len(theta) == 2
    same = lambda a, b: ManimColor(a).to_hex().lower() == ManimColor(b).to_hex().lower()  # noqa: E731
    assert all(same(p.get_color(), scene.theme.ntk_exact) for p in theta)
    assert same(scene.theta_solid[-1].get_stroke_color(), scene.theme.ntk_exact)
    assert same(scene.kgd_curves[scene.wide_i][0].get_stroke_color(), scene.theme.kernel_start)
    k0 = scene.derivation.line(eq.kernel_gd(eq.K0))
    assert all(same(p.get_color(), scene.theme.kernel_start) for p in k0.submobjects if p.tex_string == eq.K0)


# --------------------------------------------------------------------------- the printed numbers


def test_the_printed_numbers_are_those_of_the_drawn_curves(scene, D):
    wide, narrow = scene.wide_i, scene.narrow_i
    lr = float(D["lr"])

    def gap(i, k):
        return rms(heights(scene, scene.net_curves[i][k]), heights(scene, scene.kgd_curves[i][k]))

    shown = [k for key, i, k in scene.moments if key == "train"]
    (at_most,) = numbers_in(scene.stat_wide.original_text)
    assert at_most == pytest.approx(max(gap(wide, k) for k in shown), abs=0.0005 + 1e-9)
    # the narrow network at the last time of its step: how far its kernel moved, and its gap
    k = [k for key, _, k in scene.moments if key == "narrow"][-1]
    change, g = numbers_in(scene.stat_narrow.original_text)
    moved = 100 * float(D["net_theta_change_t"][narrow][k])
    assert change == pytest.approx(moved, abs=(0.05 if moved < 10 else 0.5) + 1e-9)
    assert g == pytest.approx(gap(narrow, k), abs=0.005 + 1e-9)
    assert numbers_in(caption_of(scene, "narrow")) == [int(D["net_widths"][narrow])]
    # the solution: the time it names is the last one, and the errors at X of the drawn curves
    solution = step_of(scene, "solution")
    last = len(D["times"]) - 1
    assert numbers_in(solution.caption) == [float(D["times"][last])]
    assert int(solution.values["steps"]) * lr == pytest.approx(float(D["times"][last]))
    on = [int(np.argmin(np.abs(scene.x - x))) for x in D["x_train_post"]]
    errors = max(np.abs(heights(scene, c[last])[on] - D["y_train"]).max()
                 for c in (scene.net_curves[wide], scene.kgd_curves[wide]))
    if solution.variant is None:        # "training has reached its end point"
        assert errors <= 0.005
    else:                               # "on its way", the errors said
        assert errors > 0.005
        assert float(solution.values["residual"]) == pytest.approx(errors, abs=0.005 + 1e-9)


# --------------------------------------------------------------------------- the ending


def test_it_ends_on_the_lesson_not_on_statistics(scene):
    last = scene.steps[-1]
    assert last.key == "fixed_kernel" and last.lesson
    assert not numbers_in(last.caption)
    on_screen = texts_at(scene, "fixed_kernel")
    assert not any("RMS" in (t or "") for t in on_screen), on_screen
    assert scene.stat_wide not in scene.mobjects and scene.stat_narrow not in scene.mobjects
    # the boxed line is the derivation's last one, on screen
    box = scene.lesson_box
    line = scene.derivation.current
    assert box.get_left()[0] < line.get_left()[0] and box.get_right()[0] > line.get_right()[0]
    assert box.get_bottom()[1] < line.get_bottom()[1] and box.get_top()[1] > line.get_top()[1]


def test_captions_and_everything_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    mobs = list(scene.mobjects) + [scene.axes, *scene.names, *scene.titles.values(), scene.legend,
                                   *scene.clocks, scene.stat_wide, scene.stat_narrow]
    assert_inside_frame(mobs, whole=True)
    assert any("kernel gradient descent" in c.lower() for c in caption_texts(scene))


def test_every_step_has_its_own_narration(scene):
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)


def test_the_input_map_is_said_in_the_chapters_words(scene):
    """gp_plots.input_map: the map on screen is math; its spoken words are the labels (scenes/labels.toml
    or a translation's), the numbers formatted once (a translation that rewords the labels keeps them)."""
    from dataclasses import replace
    from types import SimpleNamespace

    from scenes.components.gp_plots import input_map
    # ntkcore.wide.embed: φ = π(x − x_min)/(x_max − x_min) − π/2, the input (cos φ, sin φ).
    words = "the point cos φ, sin φ on the unit circle, at the angle φ equal to π times {}, over {}, minus π over 2"
    assert input_map(scene, (-10, 20)) == ("(cos φ, sin φ),  φ = π(x + 10)/30 − π/2", words.format("x plus 10", 30))
    assert input_map(scene, (5, 25)) == ("(cos φ, sin φ),  φ = π(x − 5)/20 − π/2", words.format("x minus 5", 20))
    assert input_map(scene, (0, 20)) == ("(cos φ, sin φ),  φ = πx/20 − π/2", words.format("x", 20))
    other = replace(scene.script, labels={**scene.script.labels,
                                          "input_map": "der Punkt cos φ, sin φ, mit φ gleich π mal {shifted}, "
                                                       "durch {span}, minus π halbe",
                                          "input_shift_plus": "x plus {shift}"})
    reworded = SimpleNamespace(label=other.label)
    assert input_map(reworded, (-10, 20)) == (
        "(cos φ, sin φ),  φ = π(x + 10)/30 − π/2",
        "der Punkt cos φ, sin φ, mit φ gleich π mal x plus 10, durch 30, minus π halbe")


def test_the_step_named_on_the_figure_is_where_the_drawn_narrow_kernel_gd_steps(scene, D, S, wide_data):
    """The note "a unit switches on" points (its arrow) at the largest step of the purple curve as
    drawn at the narrow step's last time: a jump many times the curve's typical change between
    neighbouring inputs (a discontinuity, not a slope); ntkcore finds a unit switching there."""
    narrow = scene.narrow_i
    k = [k for key, _, k in scene.moments if key == "narrow"][-1]
    ys = heights(scene, scene.kgd_curves[narrow][k])
    steps = np.abs(np.diff(ys))
    j = int(np.argmax(steps))
    assert scene.jump_at == (scene.x[j], scene.x[j + 1])
    assert steps[j] > 5 * np.median(steps)
    x_tip, y_tip = scene.axes.p2c(scene.jump_arrow.get_end())[:2]
    assert scene.x[j] <= x_tip <= scene.x[j + 1]
    assert y_tip >= max(ys[j], ys[j + 1]) - 1e-9 and y_tip - max(ys[j], ys[j + 1]) < 0.1 * np.ptp(scene.y_range[:2])
    assert scene.jump_note.original_text in texts_at(scene, "narrow")
    # a hidden unit of that network (same seed, same initialisation as ntkcore's) switches in that cell
    import jax

    from ntkcore import switches, wide
    X = S.inputs(np.asarray(S.train_x, dtype=float))
    params = wide.init_params(jax.random.PRNGKey(int(wide_data.settings.gp.net_seed)), int(D["net_widths"][narrow]),
                              S.arch, d_in=X.shape[1])
    u0, u1 = (float(u) for u in S.scaled(np.array(scene.jump_at)))
    found = switches.activation_switches(params, u0, u1, S.arch)
    assert found.size >= 1, scene.jump_at
    assert scene.jump_mark not in scene.mobjects and scene.jump_note not in scene.mobjects   # gone before the lesson
