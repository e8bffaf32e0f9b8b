"""The renderer's two promises, case by case (the hostile-but-fair input review): a video you are
handed is the video of the current settings and code, and a bad setting never hangs or crashes
mid-render — it is refused before the first frame, naming its key, with exit 2 and nothing written.
Every test works in temporary folders; nothing here writes into the repository's media/ or docs/."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ntkcore.settings import load_settings_text
from ntkcore.validation import SettingsError
from pipeline import datacache
from pipeline.chapters import by_name
from pipeline.media import BrokenVideo, verify_video
from pipeline.paths import MEDIA, media_root, slug
from pipeline.render import Options, Session, is_up_to_date, mark_up_to_date, manim_config, stamp_path, video_path

ROOT = Path(__file__).resolve().parent.parent


def write_video(path: Path, frames: int = 30, fps: int = 15) -> Path:
    """A small real H.264 MP4 (PyAV), as manim would write one."""
    import av
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for k in range(frames):
            img = np.full((48, 64, 3), 8 * k % 255, dtype=np.uint8)
            for pkt in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode(None):
            c.mux(pkt)
    return path


def run_in_process(*args):
    """The command line called in this process, where no real process is under test: its exit
    status and what it wrote (the environment as it was afterwards)."""
    import contextlib
    import io
    from types import SimpleNamespace

    from pipeline.cli import main
    out, err, env = io.StringIO(), io.StringIO(), dict(os.environ)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(list(args))
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else 1
    finally:
        os.environ.clear()
        os.environ.update(env)
    return SimpleNamespace(returncode=rc, stdout=out.getvalue(), stderr=err.getvalue())


# --------------------------------------------------------------------------- 1–4: never stale


def test_1_data_cache_key_covers_all_of_ntkcore(tmp_path):
    # The key hashes every module of ntkcore: an edit to examples.py (not only wide*.py) changes it.
    src = tmp_path / "ntkcore"
    src.mkdir()
    for f in ("wide.py", "wide_experiments.py", "examples.py", "core.py"):
        (src / f).write_text((ROOT / "ntkcore" / f).read_text())
    before = datacache.source_hash(src)
    (src / "examples.py").write_text((src / "examples.py").read_text().replace("50.0)", "40.0)"))
    assert datacache.source_hash(src) != before
    # ... and an experiment trained on Example 4's data is keyed by Example 4's settings.
    base = load_settings_text("", "defaults")
    moved = load_settings_text("[examples.rbf]\ntheta0 = [4.0, -10.0, 25.0, 10.0, 40.0]\n", "f.toml")
    assert datacache.key("training_change", base) != datacache.key("training_change", moved)
    assert datacache.key("init_band", base) == datacache.key("init_band", moved)   # reads no data


def test_2_settings_are_a_snapshot_taken_before_rendering(tmp_path):
    cfg = tmp_path / "edited.toml"
    cfg.write_text("[examples.lookup_table]\nlr = 0.2\n")
    opts = Options(chapters=[by_name()["lookup_table"]], config=str(cfg), media=tmp_path / "media")
    session = Session(opts, log=lambda *_: None)
    try:
        key = session.chapter_key(by_name()["lookup_table"])
        cfg.write_text("[examples.lookup_table]\nlr = 0.3\n")          # edited while it renders
        assert session.settings_file.read_text() == "[examples.lookup_table]\nlr = 0.2\n"
        assert session.settings.example("lookup_table").lr == 0.2
        assert session.chapter_key(by_name()["lookup_table"]) == key  # what made the video
        from scenes.runtime import Runtime
        rt = Runtime.read(session.contract())
        assert Path(rt.settings_file).read_text() == "[examples.lookup_table]\nlr = 0.2\n"
    finally:
        session.close()
    assert not session.run_dir.exists()


def test_3_a_killed_write_is_never_kept(tmp_path):
    ch = by_name()["lookup_table"]
    opts = Options(chapters=[ch], media=tmp_path)
    video = write_video(video_path(ch, opts))
    assert verify_video(video)[0] == 30
    mark_up_to_date(ch, opts, "KEY")
    assert is_up_to_date(ch, opts, "KEY")
    video.write_bytes(video.read_bytes()[: video.stat().st_size // 2])   # killed while writing
    assert not is_up_to_date(ch, opts, "KEY")
    with pytest.raises(BrokenVideo):
        verify_video(video)
    video.write_bytes(b"")                                              # or left empty
    assert not is_up_to_date(ch, opts, "KEY")
    with pytest.raises(BrokenVideo, match="missing or empty"):
        verify_video(video)


def test_4_transparent_and_format_have_their_own_files_and_keys(tmp_path):
    ch = by_name()["lookup_table"]
    plain = Options(chapters=[ch], fmt="webm", media=tmp_path)
    clear = Options(chapters=[ch], fmt="webm", transparent=True, media=tmp_path)
    assert stamp_path(ch, plain) != stamp_path(ch, clear)
    keys = []
    for opts in (plain, clear, Options(chapters=[ch], media=tmp_path)):
        s = Session(opts, log=lambda *_: None)
        keys.append(s.chapter_key(ch))
        s.close()
    assert len(set(keys)) == 3


# --------------------------------------------------------------------------- 5–8: drawable settings

BAD = [
    ("[examples.lookup_table]\nlr = 100000.0", "examples.lookup_table.lr", "times the spread"),
    ("[examples.linear]\nlr = 10.0", "examples.linear.lr", "flat line"),
    ("[examples.training]\nascent_lr = 1e6\nsteps = 200", "examples.training.ascent_lr", "training moves f"),
    ("[examples.training]\nsteps = 0", "examples.training.steps", "from 1 to 200"),
    ("[examples.lookup_table]\nobservation = [10, 31]", "examples.lookup_table.observation[1]", "moves nothing"),
    ("[examples.linear]\nlr = 1e-300", "examples.linear.lr", "nothing to draw"),
    ("[examples.lookup_table]\nobservation = [10, 1e12]", "examples.lookup_table.observation[1]", "1e+09"),
    ("[examples.rbf]\nx_range = [0, 1099511627776]", "examples.rbf.x_range", "one dot per integer"),
    ("[examples.training]\nascent_lr = 1e200", "examples.training.ascent_lr", "ascent_lr"),
    ("[examples.rbf]\ntheta0 = [4, -10, 25, 10, nan]", "examples.rbf.theta0[4]", "finite"),
    ("[wide]\nwidths = [64, 16]", "wide.widths", "increasing"),
    ("[theme]\nhighlight = \"#E6A700\"", "theme.highlight", "2.12:1"),
]


@pytest.mark.parametrize("text, key, words", BAD)
def test_5_to_8_settings_that_cannot_be_drawn_are_refused_with_their_key(text, key, words):
    from scenes.theme import Theme
    with pytest.raises(SettingsError) as err:
        s = load_settings_text(text + "\n", "bad.toml")
        Theme.from_settings(s.theme, s.source)
    assert err.value.key == key
    assert words in str(err.value)


def test_5_the_posts_own_learning_rate_draws_with_few_ticks():
    from scenes.ranges import every_other_tick, whole_ticks
    ex = load_settings_text("[examples.linear]\nlr = 0.1\n", "f.toml").example("linear")
    vals = np.concatenate([ex.values(), ex.values() + ex.displacement()])
    y_range = whole_ticks(vals, 10, within=(-30, 70))
    assert (y_range[1] - y_range[0]) / y_range[2] <= 16 and len(every_other_tick(y_range)) <= 8
    assert y_range[0] <= vals.min() and vals.max() <= y_range[1]


@pytest.mark.parametrize("content", [b"\xff\xfe[examples", bytes(range(256))])
def test_7_a_settings_file_that_is_not_utf8_is_one_line_and_exit_2(tmp_path, content):
    cfg = tmp_path / "binary.toml"
    cfg.write_bytes(content)
    out = run_in_process("lookup_table", "--config", str(cfg), "--media-dir", str(tmp_path / "media"))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "not UTF-8" in out.stderr
    assert not (tmp_path / "media").exists()


def test_8_custom_models_are_checked_before_drawing():
    import jax.numpy as jnp

    import ntkcore

    def model(theta, x):
        return theta[0] * x + theta[1]

    def vector(theta, x):
        return jnp.stack([theta[0] * x, theta[1]])

    def logs(theta, x):
        return jnp.log(theta[0] * x)   # log of negatives: NaN left of 0 at θ0

    spec = lambda f: ntkcore.ModelSpec(f=f, n_params=2, latex="")  # noqa: E731
    with pytest.raises(SettingsError, match=r"f must return a scalar, got shape \(2,\)") as err:
        ntkcore.Example(name="v", title="v", model=spec(vector), theta0=(1.0, 1.0)).check_drawable()
    assert err.value.key == "model"
    with pytest.raises(SettingsError, match=r"f is not finite at the starting parameters \(x = -10") as err:
        ntkcore.Example(name="n", title="n", model=spec(logs), theta0=(1.0, 1.0)).check_drawable()
    assert err.value.key == "theta0"
    ex = ntkcore.Example(name="ok", title="ok", model=spec(model), theta0=(3.0, 1.0), lr=0.001)
    ex.check_drawable()   # fine


def test_8_numbers_on_screen_never_exceed_six_digits():
    from scenes.formatting import fmt, fmt_g
    for v in (1.5e200, -2.5e12, 123456789.0, 3e-300):
        for s in (fmt(v, 2), fmt_g(v)):
            assert sum(c.isdigit() for c in s.split("×")[0]) <= 6, s


# --------------------------------------------------------------------------- 9–10: outputs where they belong


@pytest.mark.parametrize("name", ["...toml", "..toml", "a\nb.toml", "100%.toml", ".toml", "média.toml"])
def test_9_output_folders_from_settings_names_are_safe(name):
    root = media_root(name)
    assert root != MEDIA and root.parent == MEDIA / "configs"
    assert root.name == slug(Path(name).stem)
    assert root.name not in ("", ".", "..") and all(c.isalnum() or c in "_-" for c in root.name)


def test_9_manim_config_gets_no_injected_lines(tmp_path):
    opts = Options(chapters=[by_name()["lookup_table"]], config="evil\nvideo_dir = /tmp/x.toml", media=tmp_path)
    cfg = manim_config(opts.chapters[0], opts).read_text()
    assert "video_dir = /tmp/x" not in cfg and cfg.count("video_dir") == 1


def test_10_stills_with_settings_never_touch_docs(tmp_path, monkeypatch):
    from pipeline import video
    cfg = tmp_path / "mine.toml"
    cfg.write_text("")
    opts = Options(chapters=[by_name()["lookup_table"]], config=str(cfg), media=tmp_path / "media")
    png = tmp_path / "frame.png"
    from PIL import Image
    Image.new("RGB", (854, 480), "white").save(png)
    monkeypatch.setattr(video, "last_frames", lambda o, verb, log: {"lookup_table": png})
    docs_before = {p: p.stat().st_mtime for p in (ROOT / "docs").glob("*.png")}
    assert video.stills(opts, log=lambda *_: None) == 0
    assert (opts.root / "stills" / "lookup_table.png").exists()
    assert {p: p.stat().st_mtime for p in (ROOT / "docs").glob("*.png")} == docs_before


# --------------------------------------------------------------------------- 11–14: processes, disks, command line


@pytest.mark.e2e
def test_11_sigterm_stops_every_chapter_process(tmp_path):
    """SIGTERM during a render stops every chapter process, keeps the finished chapters, exits 143.
    Waits on conditions (a chapter process appears; the render exits; its children are gone), never
    on a fixed time, so a loaded machine passes; whatever it started is killed in the end, always."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "lookup_table", "linear", "--media-dir", str(tmp_path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "JAX_PLATFORMS": "cpu"}, start_new_session=True)
    children = []
    try:
        deadline = time.monotonic() + 600          # a bound for a broken run, not a timing
        while not children and proc.poll() is None and time.monotonic() < deadline:   # until manim runs
            time.sleep(0.2)
            children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == proc.pid]
        assert children, "no chapter process started"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 143
        assert "interrupted; finished chapters kept:" in err and "Traceback" not in err
        deadline = time.monotonic() + 600
        while any(c.exists() and _state(c) not in ("Z", None) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = [c for c in children if c.exists() and _state(c) not in ("Z", None)]
        assert not alive, "a chapter process outlived the render"
        assert not list((tmp_path / "videos").rglob("*.mp4"))   # no partial clip counts as finished
    finally:
        for pid in [proc.pid] + [int(c.name) for c in children]:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        proc.kill()
        proc.wait()


def _parent(p: Path) -> int | None:
    try:
        return int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _state(p: Path) -> str | None:
    try:
        return (p / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def test_13_read_only_media_is_one_line_naming_the_path(tmp_path):
    media = tmp_path / "ro"
    media.mkdir()
    media.chmod(0o500)
    try:
        if os.access(media, os.W_OK):   # root ignores permissions: use a file where a folder must be
            media.chmod(0o700)
            media.rmdir()
            media.write_text("not a folder")
        out = run_in_process("lookup_table", "--media-dir", str(media))
    finally:
        if media.is_dir():
            media.chmod(0o700)
    assert out.returncode != 0
    assert out.stderr.strip().count("\n") == 0 and str(media) in out.stderr
    assert "Traceback" not in out.stderr


def test_13_a_full_disk_says_so(tmp_path, monkeypatch):
    from pipeline import errors

    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "media" / "x.mp4"))
    assert errors.run_guarded(full) == 1


def test_13_a_full_disk_message(tmp_path, capsys):
    from pipeline import errors

    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device", "/media/x.mp4")
    errors.run_guarded(full)
    assert capsys.readouterr().err.strip() == "error: cannot write /media/x.mp4: No space left on device"


@pytest.mark.parametrize("args, words", [
    (["--list", "nosuch"], "unknown chapter 'nosuch'"),
    (["setup", "--bogus"], "unrecognized arguments: --bogus"),
    (["bench", "--bogus"], "unrecognized arguments: --bogus"),
    (["-ql", "-qh"], "-ql and -qh conflict"),
    (["--format", "webm", "--format", "gif"], "--format given twice"),
    (["--config", "a.toml", "--config", "b.toml"], "--config"),
    (["--config", "/tmp"], "not a regular file"),
])
@pytest.mark.e2e   # a real process
def test_14_bad_command_lines_exit_2_before_any_setup(args, words):
    out = subprocess.run(["./render.sh", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert words in out.stderr
    assert "[setup]" not in out.stderr


@pytest.mark.e2e   # a real process
def test_12_two_renders_of_one_chapter_wait_for_each_other(tmp_path):
    # Each chapter output has a lock (pipeline.render.render_chapter takes it): a second render of
    # the same chapter waits, says so once, and then goes on; neither crashes.
    from pipeline.locks import FileLock
    lock = tmp_path / "locks" / "lookup_table-480p15-mp4.lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, %r)\n"
        "from pipeline.locks import FileLock\n"
        "with FileLock(%r):\n"
        "    print('held', flush=True); time.sleep(1.5)\n") % (str(ROOT), str(lock))],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    told = []
    t0 = time.monotonic()
    with FileLock(lock, on_wait=told.append, poll=0.05):
        waited = time.monotonic() - t0
    holder.wait(timeout=10)
    assert waited > 0.5 and told == [f"pid {holder.pid}"]


def test_4_a_transparent_webm_is_another_file(tmp_path):
    ch = by_name()["lookup_table"]
    plain = Options(chapters=[ch], fmt="webm", media=tmp_path)
    clear = Options(chapters=[ch], fmt="webm", transparent=True, media=tmp_path)
    assert video_path(ch, plain) != video_path(ch, clear)
    assert manim_config(ch, plain) != manim_config(ch, clear)
    assert "_transparent" in manim_config(ch, clear).read_text()
