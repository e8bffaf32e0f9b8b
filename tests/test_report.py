"""`python -m ntkcore report`: shape of the JSON and agreement with the functions it reports."""

import json
import subprocess
import sys

import numpy as np
import pytest

from ntkcore import EXAMPLES


@pytest.fixture(scope="module")
def report():
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
    # And with the closed form, independently of ntkcore.
    x = np.array(report["x"])
    np.testing.assert_allclose(report["linear"]["displacement"], 0.038 * (10 * x + 1), atol=1e-12)


def test_report_one_example():
    out = subprocess.run([sys.executable, "-m", "ntkcore", "report", "--example", "linear"],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert set(data) == {"x", "linear"}


def test_report_unknown_example_exits_2():
    out = subprocess.run([sys.executable, "-m", "ntkcore", "report", "--example", "nope"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "unknown example 'nope'" in out.stderr and "lookup_table" in out.stderr
    assert out.stdout == ""
