"""The "don't mix your kernels" chapter draws the numbers it is given: the NNGP and NTK columns of
the same network (over their value at x′), the two Gaussian processes — the NNGP posterior and the
NTK-GP at t = ∞ — as mean curves and bands (mean ± 2 std, magnified as the caption says), the
largest gap between the means found on the drawn curves, and the ratio of the standard deviations
away from the data, computed here.  Built with the SMALL settings of conftest; the numbers
themselves are checked in test_gp.py."""

import numpy as np
import pytest

from scene_helpers import (assert_captions_fit, assert_inside_frame, caption_texts, curve_anchors, numbers_in,
                           points_data)
from scenes.components.gp_plots import band_edges


@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["gp"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("nngp_vs_ntk")


@pytest.mark.parametrize("which, key", [("nngp", "nngp_col"), ("ntk", "ntk_col")])
def test_kernel_curves_are_the_columns_over_their_value_at_x_obs(scene, D, which, key):
    xs, ys = curve_anchors(scene.kernel_axes, getattr(scene, f"{which}_curve"))
    np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
    i_obs = int(np.flatnonzero(D["x_grid"] == float(D["x_obs"]))[0])
    np.testing.assert_allclose(ys * D[key][i_obs], D[key], atol=1e-6 * np.abs(D[key]).max())
    assert ys[i_obs] == pytest.approx(1.0, abs=1e-6)


def magnified(scene):
    said = next(c for c in caption_texts(scene) if "Bands drawn" in c)
    return numbers_in(said.split("Bands drawn")[1])[0]


@pytest.mark.parametrize("which, mean_key, std_key", [("nngp", "nngp_mean", "nngp_std"),
                                                      ("ntk", "ntk_gp_inf_mean", "ntk_gp_inf_std")])
def test_means_and_bands_map_back_magnified_as_the_caption_says(scene, D, which, mean_key, std_key):
    M = magnified(scene)
    xs, ys = curve_anchors(scene.fit_axes, scene.mean_curves[which])
    np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
    np.testing.assert_allclose(ys, D[mean_key], atol=1e-6)
    xs, lower, upper = band_edges(scene.fit_axes, scene.bands[which])
    np.testing.assert_allclose(xs, D["x_grid"], atol=1e-6)
    np.testing.assert_allclose(upper, D[mean_key] + 2 * M * D[std_key], atol=1e-6)
    np.testing.assert_allclose(lower, D[mean_key] - 2 * M * D[std_key], atol=1e-6)
    # Both pinch at the data.
    on = [int(np.argmin(np.abs(xs - x))) for x in D["x_train_post"]]
    np.testing.assert_allclose(upper[on] - lower[on], 0.0, atol=1e-3)


def test_the_printed_largest_std_and_magnification(scene, D):
    said = next(c for c in caption_texts(scene) if "Bands drawn" in c)
    nums = numbers_in(said)
    top = max(D["nngp_std"].max(), D["ntk_gp_inf_std"].max())
    assert nums[2] == pytest.approx(top, abs=0.0005 + 1e-9)
    assert nums[3] == pytest.approx(D["prior_std"].max(), abs=0.005 + 1e-9)
    M = nums[1]
    assert M >= 1 and M * 2 * top <= scene.band_room + 1e-12


def test_train_dots_map_back(scene, D):
    xs, ys = points_data(scene.fit_axes, [dot.get_center() for dot in scene.train_dots])
    np.testing.assert_allclose(xs, D["x_train_post"], atol=1e-6)
    np.testing.assert_allclose(ys, D["y_train"], atol=1e-6)


def test_gap_arrow_marks_the_largest_distance_between_the_drawn_means(scene):
    # Found on the curves as drawn, not on the arrays: the input where they lie farthest apart.
    xs, a = curve_anchors(scene.fit_axes, scene.mean_curves["nngp"])
    _, b = curve_anchors(scene.fit_axes, scene.mean_curves["ntk"])
    k = int(np.argmax(np.abs(a - b)))
    (x0, x1), (y0, y1) = points_data(scene.fit_axes, [scene.gap_arrow.get_start(), scene.gap_arrow.get_end()])
    assert (x0, x1) == pytest.approx((xs[k], xs[k]), abs=1e-6)
    assert sorted([y0, y1]) == pytest.approx(sorted([a[k], b[k]]), abs=1e-6)
    # ... and the label and the caption print that distance (2 decimals) and that x
    gap, x_at = numbers_in(scene.gap_label.original_text)
    assert gap == pytest.approx(abs(a[k] - b[k]), abs=0.005 + 1e-6) and x_at == pytest.approx(xs[k], abs=1e-6)
    said = [t for t in caption_texts(scene) if t.startswith("The means differ most")]
    assert len(said) == 1 and numbers_in(said[0])[:2] == [x_at, gap]


def test_std_ratio_away_from_the_data_as_printed(scene, D):
    x = D["x_grid"]
    far = np.abs(x[:, None] - D["x_train_post"][None, :]).min(axis=1) >= scene.away
    ratio = D["ntk_gp_inf_std"][far] / D["nngp_std"][far]
    said = next(c for c in caption_texts(scene) if c.startswith("Away from the data"))
    lo, hi = numbers_in(said.replace("–", " "))[:2]
    assert lo == pytest.approx(ratio.min(), abs=0.05 + 1e-9) and hi == pytest.approx(ratio.max(), abs=0.05 + 1e-9)
    assert numbers_in(said)[-1] == pytest.approx(x[far][np.argmax(ratio)], abs=1e-9)
    # "never narrower" is said only when it is true.
    assert ("never narrower" in said) == bool(ratio.min() >= 1.0 - 1e-9)


def test_colours_nngp_and_ntk(scene):
    assert scene.mean_curves["nngp"].get_stroke_color().to_hex().upper() == scene.theme.nngp.upper()
    assert scene.mean_curves["ntk"].get_stroke_color().to_hex().upper() == scene.theme.ntk_exact.upper()
    assert scene.theme.nngp.upper() != scene.theme.observation.upper()


def test_everything_inside_the_frame(scene):
    assert_captions_fit(scene.captions)
    mobs = list(scene.mobjects) + [scene.kernel_axes, scene.kernel_names, scene.nngp_curve, scene.ntk_curve,
                                   scene.obs_marker, scene.obs_label, scene.kernel_legend]
    assert_inside_frame(mobs, whole=True)
    said = " ".join(caption_texts(scene))
    assert "neural\nnetwork Gaussian process (NNGP)" in said or "neural network Gaussian process (NNGP)" in said


def test_every_step_has_its_own_narration(scene):
    assert scene.steps and all(st.narration and st.narration != st.caption for st in scene.steps)
