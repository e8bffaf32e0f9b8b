"""The "don't mix your kernels" scene draws the numbers it is given: the NNGP and NTK columns of the
same network, the NNGP posterior mean and the NTK gradient-descent limit through the same training
points, and the largest gap between them, found on the drawn curves.  Built with the SMALL wide
settings of conftest; the numbers themselves are checked in test_wide_experiments.py."""

import numpy as np
import pytest

from scene_helpers import (assert_inside_frame, caption_texts, curve_anchors, numbers_in,
                           points_data)



@pytest.fixture(scope="module")
def D(wide_data):
    return wide_data["nngp_vs_ntk"]


@pytest.fixture(scope="module")
def scene(chapter_scene):
    return chapter_scene("nngp_vs_ntk")



@pytest.mark.parametrize("which", ["nngp", "ntk"])
def test_kernel_curves_are_the_columns_over_their_value_at_x_obs(scene, D, which):
    xs, ys = curve_anchors(getattr(scene, f"{which}_axes"), getattr(scene, f"{which}_curve"))
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    i_obs = int(np.flatnonzero(D["x"] == scene.x_obs)[0])
    np.testing.assert_allclose(ys * D[which][i_obs], D[which], atol=1e-6 * np.abs(D[which]).max())
    assert ys[i_obs] == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("which", ["nngp_mean", "ntk_mean"])
def test_mean_curves_map_back_to_the_arrays(scene, D, which):
    xs, ys = curve_anchors(scene.fit_axes, getattr(scene, f"{which}_curve"))
    np.testing.assert_allclose(xs, D["x"], atol=1e-6)
    np.testing.assert_allclose(ys, D[which], atol=1e-6)


def test_train_dots_map_back(scene, D):
    xs, ys = points_data(scene.fit_axes, [dot.get_center() for dot in scene.train_dots])
    np.testing.assert_allclose(xs, D["train_x"], atol=1e-6)
    np.testing.assert_allclose(ys, D["train_y"], atol=1e-6)


def test_gap_arrow_marks_the_largest_distance_between_the_drawn_means(scene):
    # Found on the curves as drawn, not on the arrays: the grid point where they lie farthest apart.
    xs, a = curve_anchors(scene.fit_axes, scene.nngp_mean_curve)
    _, b = curve_anchors(scene.fit_axes, scene.ntk_mean_curve)
    k = int(np.argmax(np.abs(a - b)))
    (x0, x1), (y0, y1) = points_data(scene.fit_axes, [scene.gap_arrow.get_start(), scene.gap_arrow.get_end()])
    assert (x0, x1) == pytest.approx((xs[k], xs[k]), abs=1e-6)
    assert sorted([y0, y1]) == pytest.approx(sorted([a[k], b[k]]), abs=1e-6)
    # ... and the label and the caption print that distance (2 decimals) and that x
    gap, x_at = numbers_in(scene.gap_label.original_text)
    assert gap == pytest.approx(abs(a[k] - b[k]), abs=0.005 + 1e-6) and x_at == pytest.approx(xs[k], abs=1e-6)
    said = [t for t in caption_texts(scene) if t.startswith("They differ most")]
    assert len(said) == 1 and numbers_in(said[0])[:2] == [x_at, gap]


def test_everything_inside_the_frame(scene):
    # Also the kernel panels, which are faded out before the end.
    mobs = list(scene.mobjects) + [scene.nngp_axes, scene.ntk_axes, scene.nngp_curve, scene.ntk_curve,
                                   scene.nngp_ghost, scene.ghost_label]
    for p in scene.panels.values():
        mobs += [p["label"], p["x_lab"], p["obs"]]
    assert_inside_frame(mobs, whole=True)
