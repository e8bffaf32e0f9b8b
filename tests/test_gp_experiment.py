"""The kernel-GD and Gaussian-process chapters' numbers (ntkcore.gp_experiment, the report's --gp
part), their [gp] settings, and the facts the captions state (ntkcore.facts)."""

import dataclasses
import json

import numpy as np
import pytest

from gp_data import ARCH, S, U_TRAIN, X_TRAIN, Y_TRAIN
from ntkcore import facts, gp_experiment, report, settings, training, wide
from ntkcore.settings import GPSettings
from ntkcore.wide_experiments import relative_change


# --------------------------------------------------------------------------- the chapters


def test_gp_report_structure(monkeypatch):
    def no_training(*a, **k):
        raise AssertionError("gp_report must not train networks")

    for name in ("train_ensemble", "dispatch_ensemble", "train_snapshots", "train_network"):
        monkeypatch.setattr(training, name, no_training)
    rep = report.gp_report()
    assert list(rep) == ["architecture", "x_train", "y_train", "x_test", "times", "nngp_posterior",
                         "ntk_gp", "ntk_gp_infinite_time"]
    assert rep["architecture"] == {"depth": 2, "w_std": 2 ** 0.5, "b_std": 0.1, "readout_w_std": 1.0,
                                   "readout_b_std": 0.1, "input": "cos(πu/2), sin(πu/2)"}
    n_train, n_test, n_t = len(rep["x_train"]), len(rep["x_test"]), len(rep["times"])
    assert n_train >= 5 and len(rep["y_train"]) == n_train and n_test >= 30 and n_t >= 4
    assert rep["times"][0] == 0.0 and all(np.isfinite(rep["times"]))
    assert all(b > a for a, b in zip(rep["times"], rep["times"][1:]))
    for block in (rep["nngp_posterior"], rep["ntk_gp_infinite_time"]):
        assert set(block) == {"mean", "std"} and all(len(v) == n_test for v in block.values())
    assert set(rep["ntk_gp"]) == {"mean", "std"}
    for rows in rep["ntk_gp"].values():
        assert len(rows) == n_t and all(len(r) == n_test for r in rows)
    flat = [v for v in json.loads(json.dumps(rep, allow_nan=False))["ntk_gp"]["std"][0]]
    assert all(isinstance(v, float) for v in flat)
    # The numbers are the ones trained on (x as the scalar u), and the prior at t = 0, whose
    # kernel is that of the network inputs (cos(πu/2), sin(πu/2)).
    np.testing.assert_allclose(rep["x_train"], U_TRAIN)
    np.testing.assert_allclose(rep["y_train"], Y_TRAIN)
    np.testing.assert_allclose(rep["x_test"], S.scaled(gp_experiment.gp_inputs(S)), atol=1e-14)
    phi = np.pi / 2 * np.asarray(rep["x_test"])
    v = np.stack([np.cos(phi), np.sin(phi)], axis=1)
    k_tt, _ = wide.relu_kernels(v, v, ARCH.depth)
    np.testing.assert_allclose(rep["ntk_gp"]["std"][0], np.sqrt(np.diag(np.asarray(k_tt))), atol=1e-12)
    np.testing.assert_allclose(rep["ntk_gp"]["mean"][0], 0.0, atol=1e-14)


def test_gp_numbers_shapes_on_small_settings(wide_data):
    # The chapters' SMALL [gp] section (conftest), computed once per session by the data cache.
    s, g = wide_data.settings.wide, wide_data.settings.gp
    d = wide_data["gp"]
    T, m, W, C = len(g.times), len(s.train_x), len(g.net_widths), min(g.ensemble_curves, g.ensemble_seeds)
    n = len(gp_experiment.gp_inputs(s, g))
    shapes = {"x_grid": (n,), "x_test": (n,), "x_train": (m,), "y_train": (m,), "times": (T,),
              "x_train_post": (m,), "x_obs": (), "nngp_col": (n,), "ntk_col": (n,),
              "prior_std": (n,), "nngp_mean": (n,), "nngp_std": (n,), "ntk_gp_mean": (T, n),
              "ntk_gp_std": (T, n), "ntk_gp_inf_mean": (n,), "ntk_gp_inf_std": (n,),
              "ntk_gp_gd_mean": (T, n), "ntk_gp_gd_std": (T, n), "net_widths": (W,),
              "net_f": (W, T, n), "net_f_train": (W, T, m), "net_kgd_analytic": (W, T, n),
              "net_kgd_empirical": (W, T, n), "net_theta0_vs_analytic": (W,), "net_theta_change": (W,),
              "net_theta_change_t": (W, T), "net_jump_x": (W,), "net_jump": (W, T),
              "ens_mean": (T, n), "ens_std": (T, n), "ens_curves": (C, T, n), "ens_kgd_inf": (C, n)}
    for key, shape in shapes.items():
        assert d[key].shape == shape, key
        assert np.all(np.isfinite(d[key])), key
    # At t = 0 every network is its own f_0, and so is kernel GD from that f_0.
    np.testing.assert_allclose(d["net_kgd_empirical"][:, 0], d["net_f"][:, 0], atol=1e-12)
    np.testing.assert_allclose(d["net_kgd_analytic"][:, 0], d["net_f"][:, 0], atol=1e-12)
    np.testing.assert_allclose(d["ntk_gp_mean"][0], 0.0, atol=1e-14)
    # The kernel's change at every time ends at the change by the last time, from 0.
    np.testing.assert_allclose(d["net_theta_change_t"][:, -1], d["net_theta_change"], rtol=1e-10)
    np.testing.assert_allclose(d["net_theta_change_t"][:, 0], 0.0, atol=1e-14)
    lo, hi = s.x_range
    assert np.all((lo <= d["net_jump_x"]) & (d["net_jump_x"] <= hi))
    # The inputs: the post's units and u are related by the input map.
    np.testing.assert_allclose(d["x_test"], s.scaled(d["x_grid"]), atol=1e-14)
    np.testing.assert_allclose(d["x_train_post"], s.train_x)
    np.testing.assert_allclose(d["x_train"], s.scaled(s.train_x), atol=1e-14)


def test_gp_numbers_kernel_columns_and_landing_curves_by_hand(wide_data):
    s, d = wide_data.settings.wide, wide_data["gp"]
    a = s.arch
    args = (a.depth, a.w_std, a.b_std, a.readout_w_std, a.readout_b_std)
    # the network inputs of u by hand: the point at angle πu/2 on the unit circle
    xs, xd, xp = (np.stack([np.cos(np.pi / 2 * u), np.sin(np.pi / 2 * u)], axis=1)
                  for u in (d["x_test"], d["x_train"], s.scaled([s.x_obs])))
    k_col, t_col = wide.relu_kernels(xs, xp, *args)
    np.testing.assert_allclose(d["nngp_col"], np.asarray(k_col)[:, 0], atol=1e-12)
    np.testing.assert_allclose(d["ntk_col"], np.asarray(t_col)[:, 0], atol=1e-12)
    # Each drawn network's f_0, carried to t = ∞ by kernel GD with the analytic Θ:
    # f_0(x) + Θ(x,X) Θ(X,X)⁻¹ (Y − f_0(X)), by a linear solve (ensemble and its f_0 on X afresh).
    _, th_td = wide.relu_kernels(xs, xd, *args)
    _, th_dd = wide.relu_kernels(xd, xd, *args)
    g = wide_data.settings.gp
    C = d["ens_curves"].shape[0]
    ens = training.train_ensemble(xd, d["y_train"], xs, [0.0, g.lr], width=g.ensemble_width,
                                  seeds=list(range(C)), lr=g.lr, parallel=1)
    np.testing.assert_allclose(ens.curves[:, 0], d["ens_curves"][:, 0], atol=1e-12)
    f0_train = ens.train_curves[:, 0]                                              # (C, m)
    expected = ens.curves[:, 0] + np.linalg.solve(np.asarray(th_dd), (d["y_train"] - f0_train).T).T \
        @ np.asarray(th_td).T
    np.testing.assert_allclose(d["ens_kgd_inf"], expected, atol=1e-8)
    np.testing.assert_allclose(d["ens_kgd_inf"][:, facts.grid_indices(d["x_grid"], d["x_train_post"])],
                               np.broadcast_to(d["y_train"], (C, len(d["y_train"]))), atol=1e-8)


# --------------------------------------------------------------------------- [gp] settings


@pytest.mark.parametrize("text, path", [
    ("[gp]\ntimes = [0, 0.3, 1]\n", ("gp", "times", 1)),           # not a multiple of lr = 0.125
    ("[gp]\ntimes = [1, 2, 4]\n", ("gp", "times", 0)),             # must start at 0
    ("[gp]\ntimes = [0, 1, 1]\n", ("gp", "times", 2)),             # increasing
    ("[gp]\ntimes = [0, 1]\n", ("gp", "times")),                   # at least 3
    ("[gp]\ntimes = [0, 1, 'a']\n", ("gp", "times", 2)),
    ("[gp]\nlr = 0.001\n", ("gp", "times", 5)),                    # 128 000 steps
    ("[gp]\nlr = 0\n", ("gp", "lr")),
    ("[gp]\nlr = 0.5\n", ("gp", "lr")),                            # 0.5 × λ_max(Θ) ≈ 2.2 > 1
    ("[gp]\nlr = 0.25\n", ("gp", "lr")),                           # 0.25 × λ_max(Θ) ≈ 1.09 > 1
    ("[wide]\nlr = 0.5\n", ("wide", "lr")),                        # the wide chapters' GD too
    ("[gp]\nensemble_seeds = 1\n", ("gp", "ensemble_seeds")),
    ("[gp]\nensemble_width = 0\n", ("gp", "ensemble_width")),
    ("[gp]\nensemble_curves = 65\n", ("gp", "ensemble_curves")),
    ("[gp]\nnet_widths = [8]\n", ("gp", "net_widths")),
    ("[gp]\nnet_widths = [64, 8]\n", ("gp", "net_widths")),
    ("[gp]\nnet_widths = [8, 1.5]\n", ("gp", "net_widths", 1)),
    ("[gp]\nnet_seed = -1\n", ("gp", "net_seed")),
    ("[gp]\nsamples_per_unit = 0\n", ("gp", "samples_per_unit")),
    ("[gp]\nseeds = 3\n", ("gp", "seeds")),                        # a [wide] key in the wrong section
    ("gp = 3\n", ("gp",)),
    ("[wide]\nw_std = 4.0\n", ("gp", "lr")),                       # the architecture makes lr too large
])
def test_bad_gp_settings_name_their_key(text, path):
    from ntkcore.settings import load_settings_text
    from ntkcore.validation import SettingsError

    with pytest.raises(SettingsError) as err:
        load_settings_text(text, "bad.toml")
    assert err.value.path == path, str(err.value)
    assert str(err.value).startswith("bad.toml: " + err.value.key)


def test_gp_settings_from_a_file_and_the_defaults_file():
    from ntkcore.settings import DEFAULTS, load_settings_text
    from pipeline.settings_file import default_settings_toml

    s = load_settings_text("[gp]\ntimes = [0, 1, 4.5]\nlr = 0.0625\nnet_widths = [4, 16, 64]\n", "ok.toml")
    assert s.gp == GPSettings(times=(0.0, 1.0, 4.5), lr=0.0625, net_widths=(4, 16, 64))
    assert s.gp.times == (0.0, 1.0, 4.5) and all(isinstance(t, float) for t in s.gp.times)
    assert DEFAULTS.gp == GPSettings()
    text = default_settings_toml()
    assert "\n[gp]" in text and load_settings_text(text, "defaults.toml").gp == GPSettings()
    # The default learning rates are stable for the default architecture (η λ_max ≈ 0.55).
    assert 0.5 < GPSettings().lr * settings.lambda_max(S) < 0.6
    assert 0.5 < S.lr * settings.lambda_max(S) < 0.6


def test_lambda_max_is_the_top_eigenvalue_of_the_ntk_on_the_training_inputs():
    _, th = wide.relu_kernels(X_TRAIN, X_TRAIN, ARCH.depth)
    assert settings.lambda_max(S) == pytest.approx(float(np.linalg.eigvalsh(np.asarray(th))[-1]), rel=1e-8)


def test_the_data_cache_key_follows_the_gp_settings_only_for_the_gp_experiment():
    from ntkcore import experiments
    from ntkcore.settings import DEFAULTS
    from pipeline import datacache

    for field in ("times", "lr", "ensemble_width", "ensemble_seeds", "ensemble_curves", "net_widths", "net_seed",
                  "samples_per_unit"):
        value = {"times": (0.0, 0.25, 1.0), "lr": 0.0625, "ensemble_width": 256, "ensemble_seeds": 32,
                 "ensemble_curves": 10, "net_widths": (16, 1024), "net_seed": 1, "samples_per_unit": 2}[field]
        other = dataclasses.replace(DEFAULTS, gp=dataclasses.replace(DEFAULTS.gp, **{field: value}))
        for name in experiments.EXPERIMENTS:
            assert (datacache.key(name, other) != datacache.key(name, DEFAULTS)) == (name == "gp"), (name, field)


def test_run_hands_the_gp_settings_to_the_gp_experiment(monkeypatch):
    from ntkcore import experiments
    from ntkcore.settings import load_settings_text

    seen = {}
    monkeypatch.setattr(gp_experiment, "gp_numbers", lambda s, g, rbf=None, progress=None: seen.update(s=s, g=g) or {})
    settings = load_settings_text("[gp]\nensemble_seeds = 8\n", "x.toml")
    experiments.run("gp", settings)
    assert seen["g"].ensemble_seeds == 8 and seen["s"] == settings.wide


def test_report_gp_reads_the_gp_section(tmp_path, capsys):
    from ntkcore.report import main

    cfg = tmp_path / "g.toml"
    cfg.write_text("[gp]\ntimes = [0, 1, 3]\nsamples_per_unit = 2\n")
    assert main(["report", "--gp", "--config", str(cfg)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["times"] == [0.0, 1.0, 3.0]
    assert len(out["x_test"]) == 2 * (S.x_range[1] - S.x_range[0]) + 1


def test_gp_inputs_are_the_grid_and_the_training_inputs():
    g = GPSettings(samples_per_unit=2)
    x = gp_experiment.gp_inputs(S, g)
    assert len(x) == 61 and x[0] == -10 and x[-1] == 20 and np.all(np.diff(x) > 0)
    s = dataclasses.replace(S, train_x=(-7.3, 0.0, 12.1))
    x = gp_experiment.gp_inputs(s, GPSettings(samples_per_unit=1))
    assert {-7.3, 12.1} <= set(x.tolist()) and len(x) == 33 and np.all(np.diff(x) > 0)


# --------------------------------------------------------------------------- facts the captions state


def test_largest_gap():
    a, b = np.array([0.0, 1.0, -2.0, 0.5]), np.array([0.1, 1.0, 1.0, 0.5])
    assert facts.largest_gap(a, b) == (2, 3.0)


def test_grid_indices_and_away_from():
    x = np.arange(-2.0, 3.0, 0.5)          # -2, -1.5, ..., 2.5
    np.testing.assert_array_equal(facts.grid_indices(x, [0.0, 2.5, -2.0]), [4, 9, 0])
    with pytest.raises(ValueError, match="not on the grid"):
        facts.grid_indices(x, [0.25])
    np.testing.assert_array_equal(facts.away_from(x, [0.0], 1.0), np.abs(x) >= 1.0)


def test_std_ratio_range_over_a_mask():
    num, den = np.array([1.0, 3.0, 10.0, 2.0]), np.array([1.0, 1.0, 1.0, 4.0])
    assert facts.std_ratio_range(num, den, np.array([True, True, False, True])) == (0.5, 3.0)


def test_relative_frobenius_change():
    # The matrix form of gp_numbers' net_theta0_vs_analytic and net_theta_change: ‖a − b‖_F / ‖b‖_F.
    b = np.array([[3.0, 0.0], [0.0, 4.0]])       # ‖b‖_F = 5
    assert relative_change(b, b + np.array([[0.0, 1.0], [0.0, 0.0]]), axis=(0, 1)) == pytest.approx(0.2)


def test_ensemble_agreement_in_units_of_the_gp_std():
    gp_mean, gp_std = np.zeros((3, 2)), np.array([[1.0, 0.5], [0.2, 0.2], [0.1, 0.1]])
    ens_mean = np.array([[0.5, 0.0], [0.0, -0.3], [0.0, 0.0]])
    ens_std = np.array([[1.0, 0.6], [0.2, 0.2], [0.5, 0.1]])
    ag = facts.ensemble_agreement(ens_mean, ens_std, gp_mean, gp_std)
    np.testing.assert_allclose(ag.mean_off, [0.5, 1.5, 0.0])
    np.testing.assert_allclose(ag.std_off, [0.2, 0.0, 4.0])
    np.testing.assert_allclose(ag.mean_gap, [0.5, 0.3, 0.0])
    np.testing.assert_allclose(ag.std_gap, [0.1, 0.0, 0.4])
    np.testing.assert_array_equal(ag.agree, [True, False, False])
    assert facts.agreeing_prefix(ag.agree) == 1
    assert facts.agreeing_prefix([True, True]) == 2 and facts.agreeing_prefix([False, True]) == 0


def test_rms_gaps_over_time():
    f = np.array([[0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 1.0, -1.0], [3.0, 0.0, 0.0, 4.0]])
    np.testing.assert_allclose(facts.rms_gaps_over_time(f, np.zeros((3, 4))), [0.0, 1.0, 2.5])


def test_worst_mean_offset_in_gp_std_and_standard_errors():
    off = facts.worst_mean_offset(ens_mean=[0.0, 0.3, 0.1], ens_std=[1.0, 0.8, 1.0], gp_mean=[0.0, 0.0, 0.0],
                               gp_std=[1.0, 0.6, 1.0], seeds=64)
    assert off.index == 1 and off.gap == pytest.approx(0.3)
    assert off.in_gp_std == pytest.approx(0.5) and off.in_std_err == pytest.approx(0.3 / (0.8 / 8))
