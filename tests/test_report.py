"""`python -m ntkcore report` (and `./render.sh report`): shape of the JSON, agreement with the
functions it reports and with closed forms, and its readable layer (units, keys, facts, layout)."""

import json
import subprocess
import sys

import numpy as np
import pytest

from ntkcore import EXAMPLES
from ntkcore.report import (
    GP_KEYS, WIDE_KEYS, Facts, dumps, example_facts, gp_full_report, main, plain, readable_report, wide_facts,
    wide_keys,
)


@pytest.fixture(scope="module")
def raw():
    # The command line itself, once: a fresh process, JSON on stdout.
    out = subprocess.run([sys.executable, "-m", "ntkcore", "report"], capture_output=True, text=True, check=True,
                         encoding="utf-8")
    return out.stdout


@pytest.fixture(scope="module")
def report(raw):
    return json.loads(raw)


def test_report_shape(report):
    assert len(report["x"]) == 31 and report["x"][0] == -10 and report["x"][-1] == 20
    for name in ("lookup_table", "linear", "reparametrized"):
        assert set(report[name]) >= {"f", "displacement"}
        assert len(report[name]["f"]) == 31 and len(report[name]["displacement"]) == 31
    assert set(report["rbf"]) >= {"f", "displacement", "kernel_finite_normalized", "ntk_normalized"}
    tr = report["training"]
    assert len(tr["f"]) == 16 and all(len(r) == 31 for r in tr["f"])
    assert len(tr["kernels_normalized"]) == 16 and all(len(r) == 31 for r in tr["kernels_normalized"])
    assert all(isinstance(v, float) for v in report["rbf"]["ntk_normalized"])


def test_report_agrees_with_the_functions(report):
    for name in ("lookup_table", "linear", "reparametrized", "rbf"):
        np.testing.assert_allclose(report[name]["f"], EXAMPLES[name].values(), rtol=0, atol=1e-12)
        np.testing.assert_allclose(report[name]["displacement"], EXAMPLES[name].displacement(), atol=1e-12)
    np.testing.assert_allclose(report["rbf"]["kernel_finite_normalized"],
                               EXAMPLES["rbf"].kernel_finite_normalized(), atol=1e-12)
    np.testing.assert_allclose(report["training"]["kernels_normalized"],
                               EXAMPLES["training"].kernels_normalized(), atol=1e-12)
    # And with the closed form, independently of ntkcore: 0.038·(10x + 1) (tests/test_examples.py).
    x = np.array(report["x"])
    np.testing.assert_allclose(report["linear"]["displacement"], 0.038 * (10 * x + 1), atol=1e-12)


# --------------------------------------------------------------------------- the readable layer


def test_report_is_indented_with_one_line_per_list_of_numbers(raw, report):
    lines = raw.splitlines()
    assert lines[0] == "{" and lines[1].startswith('  "units": ')
    # the grid is one line; the training kernels one row a line (16 rows of 31 numbers)
    assert sum(1 for ln in lines if ln.startswith('  "x": [-10.0, -9.0')) == 1
    rows = [ln for ln in lines if ln.startswith("      [") and ln.rstrip(",").count(",") == 30]
    assert len(rows) == 3 * 16
    assert "Δf(x) = 0.38x + 0.038" in raw            # non-ASCII written as itself, not \u0394
    # each example opens with its title and its facts
    assert list(report["linear"])[:2] == ["title", "facts"]
    assert report["linear"]["title"] == EXAMPLES["linear"].title


def test_dumps_is_json():
    obj = {"a": [1.0, -2.5, None, True], "b": {"c": [[1, 2], [3, 4]], "d": "θ′ → ∞", "e": []}, "f": {}, "g": 0.1}
    text = dumps(obj)
    assert json.loads(text) == obj
    assert '"a": [1.0, -2.5, null, true]' in text and '      [1, 2],' in text


def test_facts_are_the_captions_numbers(report):
    lin = report["linear"]["facts"]
    assert lin["step"] == "Δf(x) = 0.38x + 0.038"
    assert lin["sign_change_x"] == -0.1 and lin["still_x"] == -0.1
    assert lin["theta_before"] == [3.0, 1.0] and lin["theta_after"] == [3.38, 1.038]
    assert lin["kernel"] == "k(x, x′) = x·x′ + 1" and lin["k_at_x_obs"] == 101.0
    assert lin["largest_move"] == {"x": 20.0, "delta_f": 7.638}
    assert lin["arrows_down_x"] == [[-10.0, -1.0]] and lin["linear_in_theta"] is True
    assert report["reparametrized"]["facts"]["kernel"] == "k(x, x′) = x·x′ + 100"
    assert report["reparametrized"]["facts"]["sign_change_x"] is None
    lt = report["lookup_table"]["facts"]
    assert lt["parameters_changed"] == {"θ at x = 10": [31.0, 34.8]}
    assert lt["dots_moved"] == {"moved": 1, "of": 31} and lt["sign_change_x"] is None
    assert lt["kernel"] == "k(x, 10) = 1 if x = 10, else 0"
    rbf = report["rbf"]["facts"]
    assert round(rbf["step_kernel_peak"]["x"], 1) == 7.3 and round(rbf["ntk_peak"]["x"], 1) == 7.7
    assert rbf["step_kernel_min"]["value"] < 0 and rbf["linear_in_theta"] is False
    assert rbf["offset_step"]["parameter"] == "θ₅ (offset)"
    tr = report["training"]["facts"]
    assert [round(v, 2) for v in tr["kernel_spread_start_end"]] == [1.48, 0.28]
    assert round(tr["shares_start"]["θ₅ (offset)"], 2) == 0.39 and round(tr["shares_end"]["θ₅ (offset)"], 2) == 0.99
    assert tr["peak"]["highest"]["n"] == 2 and tr["moved_most"] == "θ₅ (offset)"
    assert tr["post_theta4"]["0-based"] == {"parameter": "θ₅ (offset)", "moved": 15.0}


def test_facts_are_computed_not_typed():
    # Other settings, other facts: a steeper line moves by another line and changes sign elsewhere.
    from ntkcore.facts import sign_change
    from ntkcore.step_facts import parameter_step

    ex = EXAMPLES["linear"].replace(theta0=(2.0, 5.0), observation=(4.0, 30.0))
    f = example_facts(ex).values
    d = ex.displacement()
    assert f["theta_after"] == plain(np.asarray(ex.theta0) + parameter_step(ex))
    assert f["sign_change_x"] == plain(sign_change(ex.grid, d))
    slope, intercept = np.polyfit(ex.grid, d, 1)
    assert f["step"] == f"Δf(x) = {plain(slope):g}x + {plain(intercept):g}"
    assert f["f_line"] == "f(x) = 2x + 5"


def test_every_key_is_documented(report):
    keys = report["keys"]
    for name in EXAMPLES:
        for key, value in report[name].items():
            assert key in keys, key
        for fact in report[name]["facts"]:
            assert fact in keys["facts"], fact
    assert report["units"].startswith("x, y and f are the post's numbers")


def test_plain_rounds_to_six_significant_digits():
    assert plain(0.37999999999999545) == 0.38 and plain(-0.09999999999999987) == -0.1
    assert plain(-1e-20) == 0.0 and plain(np.float64(1234567.89)) == 1234570.0
    assert plain({"a": (np.int64(3), np.bool_(True), None)}) == {"a": [3, True, None]}
    facts = Facts()
    facts.add("k", np.array([1 / 3, 2 / 3]), "thirds")
    assert facts.values == {"k": [0.333333, 0.666667]} and facts.about == {"k": "thirds"}


def test_report_one_example(capsys):
    assert main(["report", "--example", "linear"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"units", "keys", "x", "linear"}
    assert set(out["keys"]["facts"]) == set(out["linear"]["facts"])


def test_report_with_settings(tmp_path, capsys):
    cfg = tmp_path / "s.toml"
    cfg.write_text("[examples.linear]\ntheta0 = [2.0, 5.0]\n")
    assert main(["report", "--example", "linear", "--config", str(cfg)]) == 0
    x = np.arange(-10, 21)
    out = json.loads(capsys.readouterr().out)["linear"]
    np.testing.assert_allclose(out["f"], 2 * x + 5)
    assert out["facts"]["f_line"] == "f(x) = 2x + 5" and out["facts"]["theta_before"] == [2.0, 5.0]


def test_report_unknown_example_exits_2(capsys):
    assert main(["report", "--example", "nope"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert "unknown example 'nope'" in out.err and "lookup_table" in out.err


# --------------------------------------------------------------------------- --gp


def test_gp_report_gives_the_posts_x_beside_u():
    from ntkcore.facts import largest_gap
    from ntkcore.settings import GPSettings, WideSettings

    s, g = WideSettings(), GPSettings(samples_per_unit=1)
    rep = gp_full_report(s, g)
    lo, hi = s.x_range
    u = np.asarray(rep["x_test"])
    np.testing.assert_allclose(rep["x_test_post"], lo + (u + 1) * (hi - lo) / 2, atol=1e-12)
    np.testing.assert_allclose(rep["x_train_post"], lo + (np.asarray(rep["x_train"]) + 1) * (hi - lo) / 2, atol=1e-12)
    np.testing.assert_allclose(rep["y_train_post"], np.asarray(rep["y_train"]) * s.y_scale + s.y_shift, atol=1e-12)
    assert rep["x_test_post"][:3] == [-10.0, -9.0, -8.0]
    assert rep["architecture"]["input"] == rep["input_map"]["network_input"] == "cos(πu/2), sin(πu/2)"
    assert "network's input scale" in rep["units"] and "(y − 45)/10" in rep["units"]
    for key in rep:
        assert key in ("units", "keys", "facts") or key in rep["keys"], key
    assert set(rep["keys"]["facts"]) == set(rep["facts"])
    # the facts are the functions' numbers
    k, gap = largest_gap(rep["nngp_posterior"]["mean"], rep["ntk_gp_infinite_time"]["mean"])
    assert rep["facts"]["mean_gap"] == plain({"x": rep["x_test_post"][k], "gap_scaled": gap,
                                              "gap_post_units": gap * s.y_scale})
    assert rep["facts"]["ntk_gp_never_narrower"] is True
    assert set(GP_KEYS) <= set(rep["keys"])


# --------------------------------------------------------------------------- --wide


def test_wide_keys_document_every_array(wide_data):
    # The experiments' real outputs (SMALL settings): every key named, with its shape.
    for name in ("init_band", "training_change"):
        data = wide_data[name]
        keys = wide_keys(name, data)
        assert set(keys) == set(data) - {"compute_seconds"}
        assert not [k for k, v in keys.items() if "undocumented" in v]
        assert set(WIDE_KEYS[name]) == set(keys)         # and nothing documented that is not there
    d = wide_data["init_band"]
    W, S, n = np.shape(d["curves"])
    assert wide_keys("init_band", d)["curves"].startswith(f"(W, S, n) = ({W}, {S}, {n}): ")


def test_wide_facts_are_the_experiments_numbers(wide_data):
    d = wide_data["init_band"]
    f = wide_facts("init_band", d, wide_data.wide).values
    assert f["spread_slope"] == plain(float(d["spread_slope"]))
    assert f["spread"] == {str(int(w)): plain(v) for w, v in zip(d["widths"], d["spread"])}
    d = wide_data["training_change"]
    f = wide_facts("training_change", d, wide_data.wide).values
    seed = int(d["drawn_seed"])
    assert f["column_change_drawn_seed"] == {str(int(w)): plain(v) for w, v in zip(d["widths"], d["col_change"][:, seed])}
    assert f["matrix_change_slope"] == plain(float(d["rel_change_slope"]))
    assert f["training"]["steps"] == wide_data.wide.steps


def test_pipeline_report_wide_serves_the_data_cache(tmp_path, monkeypatch, capsys):
    # ./render.sh report --wide prints the numbers the chapters load: computed once into
    # <media>/cache by pipeline.datacache, served from there the next time.
    from ntkcore import experiments as we
    from ntkcore import report as rep
    from pipeline.cli import main as cli

    runs = []

    def fake(name):
        def experiment(wide, rbf, progress=None):
            runs.append(name)
            return {"x": np.arange(3.0), "seeds": np.asarray(wide.seeds)}
        return experiment

    for name in list(we.EXPERIMENTS):
        monkeypatch.setitem(we.EXPERIMENTS, name, fake(name))
    monkeypatch.setattr(rep, "wide_facts", lambda name, data, s=None: Facts())   # (no real numbers here)
    cfg = tmp_path / "s.toml"
    cfg.write_text("[wide]\nseeds = 5\n")
    argv = ["report", "--wide", "--config", str(cfg), "--media-dir", str(tmp_path / "media")]
    for _ in range(2):
        assert cli(argv) == 0
        out = json.loads(capsys.readouterr().out)
        arch = out.pop("architecture")              # named like report --gp's, with the network's input
        assert arch["input"] == "cos(πu/2), sin(πu/2)" and arch["depth"] == 2
        keys, facts = out.pop("keys"), out.pop("facts")
        assert out.pop("units").startswith("x is the post's x")
        assert {"init_band", "training_change"} <= set(out) <= set(we.EXPERIMENTS)
        assert set(facts) == set(out) and set(keys) == {"dimensions", *out}
        assert keys["init_band"]["x"].startswith("(n,) = (3,): ") and "undocumented" in keys["init_band"]["seeds"]
        assert all(v["seeds"] == 5 for v in out.values())
    assert sorted(runs) == sorted(out)             # each computed once, then served from the cache
    assert len(list((tmp_path / "media" / "cache").glob("*.npz"))) == len(out)


def test_readable_report_keeps_the_old_report():
    from ntkcore.report import report as old

    new = readable_report(["linear", "rbf"])
    for name, block in old(["linear", "rbf"]).items():
        if name == "x":
            assert new["x"] == block
            continue
        for key, value in block.items():
            assert new[name][key] == value
