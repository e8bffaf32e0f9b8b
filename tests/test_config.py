"""Settings files: every bad value is refused with a message naming the key, exit status 2 and
nothing rendered; a good file really changes the numbers and the frames (no stale cache)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ntkcore.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent

BAD = [
    ("[colours]\nink = '#000000'\n", "unknown key 'colours'"),
    ("[examples.lineer]\nlr = 0.1\n", "unknown example 'examples.lineer'"),
    ("[examples.linear]\nthta0 = [1.0, 2.0]\n", "unknown key 'examples.linear.thta0'; allowed: theta0"),
    ("[examples.linear]\ntheta0 = 'three'\n", "examples.linear.theta0 must be a list of finite numbers"),
    ("[examples.linear]\nsteps = 2.5\n", "examples.linear.steps must be an integer from 0 to 200"),
    ("[examples.linear]\nlr = 'fast'\n", "examples.linear.lr must be a finite number > 0"),
    ("[examples.linear]\nlr = -0.1\n", "examples.linear.lr must be a finite number > 0"),
    ("[examples.linear]\ntheta0 = [1.0, nan]\n", "non-finite value nan"),
    ("[examples.rbf]\nlr = inf\n", "examples.rbf.lr must be a finite number > 0"),
    ("[examples.rbf]\ntheta0 = [1.0, 2.0]\n", "examples.rbf.theta0: example 'rbf': theta0 must have exactly 5 entries"),
    ("[examples.linear]\nx_range = [-5, 5]\n", "examples.linear.observation: example 'linear': observation x' must lie in the grid range [-5, 5]"),
    ("[examples.lookup_table]\nobservation = [10.5, 50]\n", "observation x' must be one of the grid points"),
    ("[examples.linear]\nx_range = [0.5, 9]\n", "examples.linear.x_range must be two integers"),
    ("[theme]\nbackground = 'white'\n", "theme.background must be a colour \"#RRGGBB\""),
    ("[theme]\nbackgrund = '#FFFFFF'\n", "unknown key 'theme.backgrund'"),
    ("[examples.linear]\nlr = 1e308\n", "example 'linear' diverged at the gradient-descent step (learning rate 1e+308)"),
    ("[examples.linear\nlr = 1\n", "not valid TOML"),
]


@pytest.mark.parametrize("text,needle", BAD)
def test_bad_settings_are_refused_with_the_key(tmp_path, text, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert needle in str(err.value)


def test_report_with_bad_settings_exits_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD[7][0])
    out = subprocess.run([sys.executable, "-m", "ntkcore", "report", "--config", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert "examples.linear.theta0" in out.stderr and "non-finite" in out.stderr


def test_render_with_bad_settings_exits_2_and_renders_nothing(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD[9][0])
    # What a render writes: chapter videos (media/videos, media/configs/<name>/); other tests may
    # be filling caches elsewhere under media/ at the same time.
    def outputs():
        return {p: p.stat().st_mtime for p in (ROOT / "media" / "videos").rglob("*") if p.is_file()}

    before = outputs()
    out = subprocess.run(["./render.sh", "--config", str(path), "rbf"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 2
    assert "examples.rbf.theta0" in out.stderr and "exactly 5 entries" in out.stderr
    assert "started" not in out.stdout
    assert outputs() == before  # earlier outputs untouched, nothing new written
    assert not (ROOT / "media" / "configs" / "bad").exists()


def test_settings_change_the_numbers():
    cfg = load_config(ROOT / "examples" / "steeper_line.toml")
    ex = cfg.example("linear")
    x = ex.grid
    np.testing.assert_allclose(ex.values(), 2 * x + 5)
    # Δf(x) = -lr · 2 (f(15) - 30) · (15 x + 1) with f(15) = 35, lr = 0.002.
    np.testing.assert_allclose(ex.displacement(), -0.002 * 2 * 5 * (15 * x + 1), atol=1e-12)
    assert cfg.example("training").steps == 8
    assert cfg.example("rbf") is not None and cfg.theme == {"BACKGROUND": "#FFFBF0"}
    out = subprocess.run([sys.executable, "-m", "ntkcore", "report", "--config",
                          str(ROOT / "examples" / "steeper_line.toml"), "--example", "training"],
                         capture_output=True, text=True, check=True)
    assert len(json.loads(out.stdout)["training"]["f"]) == 9


def test_scenes_use_no_updaters():
    # manim's partial-movie cache hashes the mobjects of each play call; updaters and
    # always_redraw can fool it.  Our scenes compute everything up front, so they have none.
    for path in (ROOT / "scenes").glob("*.py"):
        src = path.read_text()
        assert "add_updater" not in src and "always_redraw" not in src, path


@pytest.mark.render
def test_changed_setting_changes_the_rendered_frame_no_stale_cache(tmp_path):
    """Render, change a number, render again in the same media folder: the video changes."""
    import av

    def render(config_text):
        env = None
        if config_text is not None:
            cfg = tmp_path / "cfg.toml"
            cfg.write_text(config_text)
            import os
            env = dict(os.environ, NTK_CONFIG=str(cfg))
        cmd = [sys.executable, "-m", "manim", "render", "-ql", "-r", "320,180", "--progress_bar", "none",
               "--media_dir", str(tmp_path / "media"), "scenes/ch1_lookup_table.py", "LookupTable"]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env=env)
        video = next((tmp_path / "media").glob("videos/*/*/LookupTable.mp4"))
        with av.open(str(video)) as c:
            frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
        return frames[-1].astype(int)

    first = render(None)
    changed = render("[examples.lookup_table]\nobservation = [0, 30]\n")
    assert np.mean(np.abs(first - changed).max(axis=-1) > 48) > 0.002
