"""The second hostile-input review (issue 23), case by case: every path the user names stays where
it belongs, every refusal is one line with exit status 2 before anything is set up or written, and
nothing a setting inside the limits allows crashes a render.  Fast: no chapter is rendered here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent


def refused(argv, capsys) -> str:
    """``main(argv)`` refuses: exit 2, one line on stderr (returned), nothing on stdout."""
    with pytest.raises(SystemExit) as e:
        main(argv)
    out, err = capsys.readouterr()
    assert e.value.code == 2, err
    assert len(err.strip().splitlines()) == 1 and not out, err
    return err


# --------------------------------------------------------------------------- 0: formatting from numbers


@pytest.mark.parametrize("v, digits, text", [
    (2.18e150, 1, "+2.18×10¹⁵⁰"), (-2.18e150, 1, "−2.18×10¹⁵⁰"), (0.04, 1, "0.0"), (-0.04, 1, "0.0"),
    (7.638, 1, "+7.6"), (-3.8, 1, "−3.8"), (0.0, 2, "0.00"),
])
def test_0_signed_formats_from_the_number(v, digits, text):
    from scenes.formatting import signed
    assert signed(v, digits) == text


# --------------------------------------------------------------------------- 2, 3: deck names


@pytest.mark.parametrize("name, words", [
    ("../../x", "not a file name"), ("/abs/path", "not a file name"), ("a" * 300, "at most 80"),
    ("deck\nname", "not a file name"), (".hidden", "not a file name"),
])
def test_2_3_a_deck_name_is_a_file_name(name, words, capsys, tmp_path):
    err = refused(["slides", "lookup_table", "--name", name, "--media-dir", str(tmp_path / "m")], capsys)
    assert words in err
    assert not (tmp_path / "m").exists()


def test_2_a_plain_deck_name_is_taken(capsys):
    from pipeline.cli import parse
    assert parse(["slides", "--name", "week-3_ntk.v2"]).name == "week-3_ntk.v2"


# --------------------------------------------------------------------------- 4, 5 and the media folder


@pytest.mark.parametrize("value, words", [
    ("a\nb", "U+000A"), ("x\rpartial_movie_dir = /tmp/evil", "U+000D"), ("m%dir", "'%'"), ("m#1", "'#'"),
    ("/", "root of the file system"), ("", "empty path"), ("docs/m", "inside the repository's docs/"),
    ("scenes", "inside the repository's scenes/"), (".", "the repository itself"),
])
def test_4_5_the_media_folder_is_refused_in_one_line(value, words, capsys):
    assert words in refused(["lookup_table", "--media-dir", value], capsys)


@pytest.mark.parametrize("option", ["--config", "--voice-dir", "--script"])
def test_4_no_control_characters_in_any_named_path(option, capsys):
    argv = ["narrated" if option == "--voice-dir" else "render", "lookup_table", option, "a\nb.toml"]
    assert "U+000A" in refused(argv, capsys)


def test_4_the_manim_config_has_no_injected_keys(tmp_path):
    import configparser

    from pipeline.render import Options, manim_config
    from pipeline.chapters import by_name
    cfg = manim_config(by_name()["linear"], Options(media=tmp_path / "a dir with spaces"))
    parser = configparser.ConfigParser()
    parser.read(cfg)
    assert set(parser["CLI"]) == {"media_dir", "video_dir", "images_dir", "tex_dir", "text_dir",
                                  "notify_outdated_version", "max_inflight_encoders"}
    assert parser["CLI"]["max_inflight_encoders"] == "2"


# --------------------------------------------------------------------------- 7, 9: pipes and encodings


def run(*args, env=None, input_pipe=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "JAX_PLATFORMS": "cpu", **(env or {})}, timeout=120)


@pytest.mark.e2e   # a real process
def test_7_a_closed_pipe_ends_quietly():
    # `--list | head -c 20`: the reader goes away after 20 bytes; no traceback, exit 0.
    proc = subprocess.run(f"{sys.executable} -m pipeline --list | head -c 20", shell=True, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr == "" and len(proc.stdout) == 20


@pytest.mark.e2e   # a real process
def test_9_an_ascii_terminal_gets_the_list():
    proc = run("--list", env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0 and proc.stderr == ""
    assert "lookup_table" in proc.stdout


@pytest.mark.e2e   # a real process
def test_9_a_join_killed_midway_leaves_nothing_behind(tmp_path):
    from media_helpers import make_video
    from pipeline.stitch import stitch
    out = tmp_path / "ntk_explainer.mp4"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for stale in (f"ntk_explainer.partial-{dead.pid}.mp4", "ntk_explainer.partial.mp4"):
        (tmp_path / stale).write_bytes(b"half a video")
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f"ntk_explainer.partial-{running.pid}.mp4"   # another join, still running
        live.write_bytes(b"in progress")
        clips = [make_video(tmp_path / f"c{k}.mp4") for k in range(2)]
        stitch(clips, out)
    finally:
        running.kill()
        running.wait()
    assert sorted(p.name for p in tmp_path.glob("ntk_explainer.partial*")) == [live.name]
    assert out.is_file()


# --------------------------------------------------------------------------- manim's habits


@pytest.mark.parametrize("argv, words", [
    (["-s", "linear"], "posters CHAPTER"), (["-pql", "linear"], "nothing is previewed"),
    (["linear", "-r", "1920,1080"], "--quality lecture"), (["linear", "--fps", "30"], "preset"),
])
def test_manim_flags_get_a_one_line_answer(argv, words, capsys):
    assert words in refused(argv, capsys)


def test_the_lecture_preset_is_1080p30():
    from pipeline.chapters import manim_quality_args, quality_folder
    from pipeline.cli import parse
    args = parse(["linear", "--quality", "lecture"])
    assert args.quality == "lecture" and quality_folder("lecture") == "1080p30"
    assert manim_quality_args("lecture") == ["-r", "1920,1080", "--frame_rate", "30"]


# --------------------------------------------------------------------------- one validator, long recordings


def test_report_refuses_the_theme_render_refuses(tmp_path, capsys):
    cfg = tmp_path / "pale.toml"
    cfg.write_text('[theme]\ncaption = "#EEEEEE"\n', encoding="utf-8")
    from pipeline.errors import run_guarded
    from pipeline.cli import parse, run as run_command
    assert run_guarded(run_command, parse(["report", "--config", str(cfg)])) == 2
    assert "theme" in capsys.readouterr().err


def test_a_recording_over_a_minute_is_refused_and_a_long_one_said():
    from pipeline.narrated import check_recording_lengths
    from pipeline.narration.errors import NarrationError
    said = []
    captions = {"a.one": "Three short words.", "a.two": "Three short words."}
    ok = {"a.one": {"path": "x", "seconds": 3.0, "source": "recording"},
          "a.two": {"path": "y", "seconds": 9.0, "source": "recording"}}
    check_recording_lengths(ok, captions, said.append)
    assert len(said) == 1 and "a.two" in said[0] and "a.one" not in said[0]
    with pytest.raises(NarrationError, match="a.one.wav lasts 673 s"):
        check_recording_lengths({**ok, "a.one": {"path": "x", "seconds": 673.0, "source": "recording"}}, captions)


@pytest.mark.e2e   # a real process
def test_a_refused_model_is_one_line_under_plain_manim(tmp_path):
    """A custom model that is NaN at θ0, rendered with plain manim: the reason in one line, exit 2,
    not manim's 61-line traceback box."""
    recipe = tmp_path / "bad_model.py"
    recipe.write_text(
        "import jax.numpy as jnp\n"
        "import ntkcore\n"
        "from scenes.your_model import ModelArrows\n\n"
        "def f(theta, x):\n    return jnp.log(theta[0]) * x\n\n"
        "BAD = ntkcore.Example(name='bad', title='Bad', model=ntkcore.ModelSpec(f=f, n_params=1, latex='f'),\n"
        "                      theta0=(-1.0,), x_range=(-10, 20), observation=(10.0, 50.0), lr=0.001,\n"
        "                      ascent_lr=0.01, steps=0)\n\n"
        "class BadArrows(ModelArrows):\n    example = BAD\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "--media_dir", str(tmp_path / "m"),
                           str(recipe), "BadArrows"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "theta0" in errors[0] or "finite" in errors[0], proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "╭" not in proc.stderr


# --------------------------------------------------------------------------- 1, 6 and the messages


def settings_error(text: str) -> str:
    from ntkcore.settings import load_settings_text
    from ntkcore.validation import SettingsError
    with pytest.raises(SettingsError) as e:
        load_settings_text(text, "f.toml")
    message = str(e.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("text", ["x = " + "[" * 5000 + "]" * 5000, "[a]\nx = " + "{b = " * 400 + "1" + "}" * 400,
                                  "[a]\nx = {b = {c = {d = {e = {f = 1}}}}}"])
def test_1_a_settings_file_nested_too_deep_is_one_line(text):
    assert "nests tables or lists" in settings_error(text)


@pytest.mark.parametrize("text, words", [
    ("[examples.linear]\nlr = 5e-324", "use a larger lr"),
    ("[gp]\ntimes = [0.0, 1.0, 1e300]", "8.0e+300 steps"),
    ('[wide]\n"a\\u0000b" = 1', r"wide.'a\x00b'"),
])
def test_messages_that_misled_now_say_what_to_do(text, words):
    message = settings_error(text)
    assert words in message and "\x00" not in message


def test_a_byte_order_mark_is_read_as_utf8(tmp_path):
    from ntkcore.settings import load_settings
    cfg = tmp_path / "bom.toml"
    cfg.write_bytes(b"\xef\xbb\xbf[examples.linear]\nlr = 0.002\n")
    assert load_settings(cfg).example("linear").lr == 0.002


def test_6_settings_that_would_run_for_an_hour_are_asked_first(tmp_path):
    from ntkcore import cost
    from ntkcore.settings import DEFAULTS, load_settings_text
    from ntkcore.validation import SettingsError
    from pipeline import datacache
    assert not cost.estimate(DEFAULTS.wide, DEFAULTS.gp).too_much()          # the defaults need no asking
    big = load_settings_text("[wide]\nwidths = [16, 64, 256, 1024, 2048, 4096, 8192]\nseeds = 64\n", "big.toml")
    with pytest.raises(SettingsError, match="--allow-slow"):
        datacache.check_cost(["init_band"], big, tmp_path)
    said = []
    datacache.check_cost(["init_band"], big, tmp_path, allow_slow=True, log=said.append)
    assert said and "min" in said[0]


def test_6_the_estimate_grows_as_the_work_does():
    from ntkcore import cost
    from ntkcore.settings import DEFAULTS, WideSettings
    base = cost.estimate(DEFAULTS.wide, DEFAULTS.gp, ["init_band"]).seconds
    twice = WideSettings(seeds=2 * DEFAULTS.wide.seeds)
    assert cost.estimate(twice, DEFAULTS.gp, ["init_band"]).seconds == pytest.approx(2 * base)
    wider = WideSettings(widths=tuple(2 * w for w in DEFAULTS.wide.widths))
    assert cost.estimate(wider, DEFAULTS.gp, ["init_band"]).seconds == pytest.approx(4 * base)   # w² per layer


# --------------------------------------------------------------------------- 0: what validation accepts, draws

EXTREMES = [   # (chapter, settings) at the edges validation allows for an example's numbers
    ("linear", "[examples.linear]\ntheta0 = [1e150, 1e150]\n"),
    ("linear", "[examples.linear]\ntheta0 = [1e-150, -1e-150]\nobservation = [20.0, 1e9]\nlr = 1e-12\n"),
    ("reparametrized", "[examples.reparametrized]\ntheta0 = [1e8, -1e7]\nobservation = [-10.0, 1e9]\n"),
]


@pytest.mark.chapter
@pytest.mark.parametrize("name, text", EXTREMES, ids=["linear-huge", "linear-tiny-far-target", "reparametrized-large"])
def test_0_what_validation_accepts_every_caption_says(name, text, tmp_path):
    """Settings validation accepts these, so the chapter builds: every caption is filled, and every
    number in it reads as a finite number (no 'nan', 'inf', no parse of a formatted text)."""
    from ntkcore.settings import load_settings_text
    from scene_helpers import build_chapter, numbers_in
    from scenes.runtime import Runtime

    load_settings_text(text, "extreme.toml")                  # accepted (a SettingsError would fail here)
    cfg = tmp_path / "extreme.toml"
    cfg.write_text(text)
    rt = Runtime(settings_file=str(cfg), data={}, save_slides=False).write(tmp_path / "runtime.json")
    scene = build_chapter(name, rt)
    assert len(scene.steps) >= 3
    for step in scene.steps:
        for words in (step.caption, step.narration):
            assert "{" not in words and not re.search(r"\b(nan|inf)\b", words, re.I), words
            assert all(np.isfinite(v) for v in numbers_in(words)), words


@pytest.mark.parametrize("v, tex", [(1e8, r"1.00\times 10^{8}"), (-2.5e-7, r"-2.50\times 10^{-7}"), (-3.2, "-3.2")])
def test_0_a_huge_or_tiny_number_reaches_latex_as_latex(v, tex):
    """A number fmt_g writes 1.00×10⁸ on a caption goes into a formula without unicode (the TeX
    template has none: 'Unicode character ⁸' was a LaTeX error)."""
    from scenes.formatting import fmt_g, tex_num
    assert tex_num(fmt_g(v)) == tex
