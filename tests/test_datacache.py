"""The wide-network numbers on disk (pipeline.datacache) and the runtime contract that hands them,
with the settings snapshot, to a chapter process (scenes.runtime)."""

import dataclasses

import numpy as np
import pytest

from ntkcore import experiments, wide_experiments as we
from ntkcore.examples import EXAMPLES
from ntkcore.settings import DEFAULTS, WideSettings, load_settings_text
from ntkcore.validation import SettingsError
from pipeline import datacache


def settings(text=""):
    return load_settings_text(text, "test.toml") if text else DEFAULTS


# --------------------------------------------------------------------------- the key


def changed(value):
    if isinstance(value, tuple):
        return value[:-1] + (value[-1] + 1,)
    return value + 1


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(WideSettings)])
def test_key_changes_with_every_wide_setting(field):
    base = DEFAULTS
    other = dataclasses.replace(base, wide=dataclasses.replace(base.wide, **{field: changed(getattr(base.wide, field))}))
    for name in experiments.EXPERIMENTS:
        assert datacache.key(name, other) != datacache.key(name, base), (name, field)


def test_key_changes_with_the_data_only_for_experiments_that_use_it():
    other = settings("[examples.rbf]\nobservation = [10, 40]\n")
    for name in experiments.EXPERIMENTS:
        assert (datacache.key(name, other) != datacache.key(name, DEFAULTS)) == (name in experiments.USES_DATA), name
    assert {"training_change", "gp"} <= experiments.USES_DATA and "init_band" not in experiments.USES_DATA
    # ... and never with an example the experiments do not read
    assert all(datacache.key(n, settings("[examples.linear]\nlr = 0.2\n")) == datacache.key(n, DEFAULTS)
               for n in experiments.EXPERIMENTS)


def test_key_changes_with_the_source_of_ntkcore(monkeypatch):
    base = datacache.key("init_band", DEFAULTS)
    assert len({datacache.key(n, DEFAULTS) for n in experiments.EXPERIMENTS}) == len(experiments.EXPERIMENTS)
    real = datacache.source_hash()
    monkeypatch.setattr(datacache, "source_hash", lambda *a: real + "# an edit")
    assert datacache.key("init_band", DEFAULTS) != base


# --------------------------------------------------------------------------- ensure


class Counting:
    """A stand-in experiment that counts its runs (and can diverge)."""

    def __init__(self, value=1.0):
        self.runs, self.value = 0, value

    def __call__(self, wide, rbf, progress=None):
        self.runs += 1
        return {"x": np.arange(3.0), "y": np.full(3, self.value)}


def test_ensure_computes_once_and_serves_the_file_after(tmp_path, monkeypatch):
    fake = Counting()
    monkeypatch.setitem(experiments.EXPERIMENTS, "init_band", fake)
    path = datacache.ensure("init_band", DEFAULTS, tmp_path)
    assert path == datacache.path_for("init_band", DEFAULTS, tmp_path) and fake.runs == 1
    stamp = path.stat().st_mtime_ns
    assert datacache.ensure("init_band", DEFAULTS, tmp_path) == path and fake.runs == 1
    assert path.stat().st_mtime_ns == stamp
    data = datacache.load(path)
    np.testing.assert_array_equal(data["y"], [1.0, 1.0, 1.0])
    assert float(data["compute_seconds"]) >= 0
    other = settings("[wide]\nseeds = 3\n")                       # another setting: computed afresh
    assert datacache.ensure("init_band", other, tmp_path) != path and fake.runs == 2
    assert not list(tmp_path.glob("*partial*"))


def test_a_damaged_file_is_computed_again(tmp_path, monkeypatch):
    fake = Counting()
    monkeypatch.setitem(experiments.EXPERIMENTS, "init_band", fake)
    path = datacache.path_for("init_band", DEFAULTS, tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 half an archive")
    assert datacache.ensure("init_band", DEFAULTS, tmp_path) == path and fake.runs == 1
    assert datacache.load(path)["y"].shape == (3,)


def test_diverging_numbers_are_a_settings_error_and_leave_no_file(tmp_path, monkeypatch):
    monkeypatch.setitem(experiments.EXPERIMENTS, "training_change", Counting(value=np.nan))
    with pytest.raises(SettingsError) as err:
        datacache.ensure("training_change", DEFAULTS, tmp_path)
    assert err.value.path == ("wide", "lr")
    assert not list(tmp_path.glob("*.npz"))


def test_the_cached_numbers_are_what_a_fresh_computation_gives(wide_data):
    # Fixed PRNG keys: the first two seeds at the two narrowest widths, computed afresh here, are
    # the very networks of the cached file (so each curve of chapter 7 is the network it names).
    s = wide_data.wide
    small = dataclasses.replace(s, widths=s.widths[:2], seeds=2)
    fresh = we.init_band(small)
    cached = wide_data["init_band"]
    np.testing.assert_array_equal(fresh["curves"], cached["curves"][:2, :2])
    np.testing.assert_array_equal(fresh["analytic_ntk"], cached["analytic_ntk"])


# --------------------------------------------------------------------------- the runtime contract


def test_runtime_contract_round_trip_and_defaults(tmp_path, monkeypatch):
    from conftest import runtime_contract
    from scenes import runtime

    assert runtime.Runtime.read(runtime.Runtime().write(tmp_path / "d.json")) == runtime.Runtime()
    monkeypatch.delenv(runtime.ENV, raising=False)
    with runtime_contract(tmp_path / "d.json"):
        assert runtime.current() == runtime.Runtime() and runtime.settings() is DEFAULTS
    cfg = tmp_path / "s.toml"
    cfg.write_text("[examples.linear]\nlr = 0.002\n[theme]\nink = \"#000000\"\n")
    npz = tmp_path / "init_band.npz"
    np.savez(npz, x=np.arange(4.0))
    rt = runtime.Runtime(settings_file=str(cfg), data={"init_band": str(npz)}, save_slides=False)
    assert runtime.Runtime.read(rt.write(tmp_path / "rt.json")) == rt
    assert runtime.Runtime.environ(tmp_path / "rt.json") == {runtime.ENV: str((tmp_path / "rt.json").resolve())}
    with runtime_contract(tmp_path / "rt.json"):
        assert runtime.current() == rt
        assert runtime.settings().example("linear").lr == 0.002
        assert runtime.settings().example("rbf") == EXAMPLES["rbf"]
        assert runtime.theme().ink == "#000000"
        np.testing.assert_array_equal(runtime.experiment("init_band")["x"], np.arange(4.0))   # loaded, not computed
    assert runtime.current() == runtime.Runtime()      # the defaults again afterwards
