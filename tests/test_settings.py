"""Settings files (ntkcore.settings): every bad value is refused with a SettingsError whose ``path``
names the field (asserted as data, not by searching the message), a render with one exits 2 with
one message and writes nothing; a good file really changes the numbers; the defaults file that
``./render.sh settings`` prints is accepted unchanged and means the defaults."""

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ntkcore import EXAMPLES
from ntkcore.settings import load_settings, load_settings_text
from ntkcore.validation import SettingsError
from ntkcore.wide_experiments import WideSettings

ROOT = Path(__file__).resolve().parent.parent

BAD = [
    ("[colours]\nink = '#000000'\n", ("colours",)),
    ("[examples.lineer]\nlr = 0.1\n", ("examples", "lineer")),
    ("[examples.linear]\nthta0 = [1.0, 2.0]\n", ("examples", "linear", "thta0")),
    ("[examples.linear]\ntheta0 = 'three'\n", ("examples", "linear", "theta0")),
    ("[examples.linear]\nsteps = 2.5\n", ("examples", "linear", "steps")),
    ("[examples.linear]\nlr = 'fast'\n", ("examples", "linear", "lr")),
    ("[examples.linear]\nlr = -0.1\n", ("examples", "linear", "lr")),
    ("[examples.linear]\ntheta0 = [1.0, nan]\n", ("examples", "linear", "theta0", 1)),
    ("[examples.rbf]\nlr = inf\n", ("examples", "rbf", "lr")),
    ("[examples.rbf]\ntheta0 = [1.0, 2.0]\n", ("examples", "rbf", "theta0")),
    ("[examples.linear]\nx_range = [-5, 5]\n", ("examples", "linear", "observation", 0)),
    ("[examples.lookup_table]\nobservation = [10.5, 50]\n", ("examples", "lookup_table", "observation", 0)),
    ("[examples.linear]\nx_range = [0.5, 9]\n", ("examples", "linear", "x_range")),
    ("[examples.linear]\nlr = 1e308\n", ("examples", "linear", "lr")),          # diverges
    ("[examples.training]\nascent_lr = 1e308\n", ("examples", "training", "ascent_lr")),
    ("[examples]\nlinear = 3\n", ("examples", "linear")),
    ("[wide]\nsedes = 3\n", ("wide", "sedes")),
    ("[wide]\nseeds = 1\n", ("wide", "seeds")),
    ("[wide]\nwidths = [64, 16]\n", ("wide", "widths")),
    ("[wide]\nwidths = [16, 'a']\n", ("wide", "widths", 1)),
    ("[wide]\ntrain_x = [1.0, 1.0]\n", ("wide", "train_x")),
    ("[wide]\nx_obs = 99\n", ("wide", "x_obs")),
    ("[examples.linear\nlr = 1\n", ()),                                           # not TOML
]


@pytest.mark.parametrize("text,path", BAD)
def test_bad_settings_are_refused_with_the_key(tmp_path, text, path):
    file = tmp_path / "bad.toml"
    file.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(file)
    assert err.value.path == path
    assert err.value.source == str(file)
    assert str(err.value).startswith(f"{file}: " + (f"{err.value.key}: " if path else ""))


@pytest.mark.parametrize("text,key", [
    ("[theme]\nbackground = 'white'\n", "theme.background"),
    ("[theme]\nbackgrund = '#FFFFFF'\n", "theme.backgrund"),
])
def test_bad_colours_are_refused_where_the_theme_is_made(text, key):
    from scenes.theme import Theme
    s = load_settings_text(text, "colours.toml")     # the structure is fine ...
    with pytest.raises(SettingsError) as err:        # ... the colour is checked by the theme
        Theme.from_settings(s.theme, s.source)
    assert err.value.key == key and err.value.source == "colours.toml"


def test_unreadable_settings_files_are_settings_errors(tmp_path):
    for path in (tmp_path / "missing.toml", tmp_path):
        with pytest.raises(SettingsError) as err:
            load_settings(path)
        assert err.value.path == () and err.value.source == str(path)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe[wide]")
    with pytest.raises(SettingsError):
        load_settings(binary)


def test_report_with_bad_settings_exits_2(tmp_path, capsys):
    from ntkcore.report import main
    path = tmp_path / "bad.toml"
    path.write_text("[examples.linear]\ntheta0 = [1.0, nan]\n")
    assert main(["report", "--config", str(path)]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "examples.linear.theta0[1]" in out.err


@pytest.mark.e2e   # a real process
def test_render_with_bad_settings_exits_2_with_one_message_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[examples.rbf]\ntheta0 = [1.0, 2.0]\n")
    media = tmp_path / "media"
    out = subprocess.run([sys.executable, "-m", "pipeline", "rbf", "--config", str(path), "--media-dir", str(media)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    errors = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error: ") and "examples.rbf.theta0" in errors[0]
    assert "started" not in out.stdout
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_settings_change_the_numbers():
    cfg = load_settings(ROOT / "examples" / "steeper_line.toml")
    ex = cfg.example("linear")
    x = ex.grid
    np.testing.assert_allclose(ex.values(), 2 * x + 5)
    # Δf(x) = −lr·2(f(15) − 30)·(15x + 1) with f(15) = 2·15 + 5 = 35, lr = 0.002.
    np.testing.assert_allclose(ex.displacement(), -0.002 * 2 * 5 * (15 * x + 1), atol=1e-12)
    assert cfg.example("training").steps == 8 and len(cfg.example("training").trajectory().f) == 9
    assert cfg.example("rbf") == EXAMPLES["rbf"]                  # untouched sections keep the defaults
    assert cfg.wide == WideSettings()
    assert cfg.theme == {"arrow": "#B22222"}


def test_shipped_settings_files_pass_every_check():
    # Each example settings file is accepted whole: its examples can be drawn and its [theme] is
    # readable (a warm background once made five default colours drop under 4.5:1).
    from scenes.theme import Theme
    for path in sorted((ROOT / "examples").glob("*.toml")):
        cfg = load_settings(path)
        for name in EXAMPLES:
            cfg.example(name).check_drawable()
        Theme.from_settings(cfg.theme, str(path))


def test_the_defaults_file_is_accepted_unchanged_and_means_the_defaults():
    from pipeline.settings_file import default_settings_toml
    from scenes.theme import Theme
    s = load_settings_text(default_settings_toml(), "defaults.toml")
    for name, ex in EXAMPLES.items():
        for f in ("theta0", "observation", "lr", "ascent_lr", "steps", "x_range"):
            assert getattr(s.example(name), f) == getattr(ex, f), (name, f)
    assert s.wide == WideSettings()
    assert Theme.from_settings(s.theme) == Theme()


@pytest.mark.e2e   # a real process
def test_settings_prints_the_shipped_file_which_is_the_defaults_without_jax():
    """`settings` prints pipeline/defaults.toml with the standard library only (no JAX: fast); the
    file is exactly what ntkcore's defaults write, and every [wide], [gp] and [theme] key has its
    comment."""
    import subprocess
    import sys
    from pipeline.settings_file import default_settings_toml, shipped_defaults
    assert shipped_defaults() == default_settings_toml(), \
        "refresh it: python -m pipeline.settings_file > pipeline/defaults.toml"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", "settings"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == shipped_defaults()
    imported = {ln.split("|")[-1].strip() for ln in proc.stderr.splitlines() if ln.startswith("import time:")}
    assert not {m for m in imported if m.split(".")[0] in ("jax", "ntkcore", "manim", "numpy")}
    section = None
    for line in shipped_defaults().splitlines():
        if line.startswith("["):
            section = line.split("]")[0].strip("[")
        elif "=" in line and section in ("wide", "gp", "theme"):
            assert "#" in line.split("=", 1)[1], f"[{section}] {line.split('=')[0].strip()} has no comment"


def test_wide_settings_are_plain_data_with_paths():
    assert dataclasses.replace(WideSettings(), seeds=3).seeds == 3
    with pytest.raises(SettingsError) as err:
        WideSettings(depth=True)          # a bool is not an integer
    assert err.value.path == ("depth",)


def test_scenes_use_no_updaters():
    # manim's partial-movie cache hashes the mobjects of each play call; updaters and
    # always_redraw can fool it.  Our scenes compute everything up front, so they have none.
    for path in (ROOT / "scenes").rglob("*.py"):
        src = path.read_text()
        assert "add_updater" not in src and "always_redraw" not in src, path
