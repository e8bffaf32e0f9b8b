"""`python -m ntkcore report` (and `./render.sh report`): shape of the JSON and agreement with the
functions it reports and with closed forms."""

import json
import subprocess
import sys

import numpy as np
import pytest

from ntkcore import EXAMPLES
from ntkcore.report import main


@pytest.fixture(scope="module")
def report():
    # The command line itself, once: a fresh process, JSON on stdout.
    out = subprocess.run([sys.executable, "-m", "ntkcore", "report"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


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


def test_report_one_example(capsys):
    assert main(["report", "--example", "linear"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"x", "linear"}


def test_report_with_settings(tmp_path, capsys):
    cfg = tmp_path / "s.toml"
    cfg.write_text("[examples.linear]\ntheta0 = [2.0, 5.0]\n")
    assert main(["report", "--example", "linear", "--config", str(cfg)]) == 0
    x = np.arange(-10, 21)
    np.testing.assert_allclose(json.loads(capsys.readouterr().out)["linear"]["f"], 2 * x + 5)


def test_report_unknown_example_exits_2(capsys):
    assert main(["report", "--example", "nope"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert "unknown example 'nope'" in out.err and "lookup_table" in out.err


def test_pipeline_report_wide_serves_the_data_cache(tmp_path, monkeypatch, capsys):
    # ./render.sh report --wide prints the numbers the chapters load: computed once into
    # <media>/cache by pipeline.datacache, served from there the next time.
    from ntkcore import experiments as we
    from pipeline.cli import main as cli

    runs = []

    def fake(name):
        def experiment(wide, rbf, progress=None):
            runs.append(name)
            return {"x": np.arange(3.0), "seeds": np.asarray(wide.seeds)}
        return experiment

    for name in list(we.EXPERIMENTS):
        monkeypatch.setitem(we.EXPERIMENTS, name, fake(name))
    cfg = tmp_path / "s.toml"
    cfg.write_text("[wide]\nseeds = 5\n")
    argv = ["report", "--wide", "--config", str(cfg), "--media-dir", str(tmp_path / "media")]
    for _ in range(2):
        assert cli(argv) == 0
        out = json.loads(capsys.readouterr().out)
        arch = out.pop("architecture")              # named like report --gp's, with the network's input
        assert arch["input"] == "cos(πu/2), sin(πu/2)" and arch["depth"] == 2
        assert {"init_band", "training_change"} <= set(out) <= set(we.EXPERIMENTS)
        assert all(v["seeds"] == 5 for v in out.values())
    assert sorted(runs) == sorted(out)             # each computed once, then served from the cache
    assert len(list((tmp_path / "media" / "cache").glob("*.npz"))) == len(out)
