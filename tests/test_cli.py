"""The command line (pipeline.cli, behind ./render.sh): usage errors exit 2 with one message
before anything is installed or rendered; --list and --help answer before any install; every
subcommand has its own --help."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cli
from pipeline.chapters import CHAPTERS

ROOT = Path(__file__).resolve().parent.parent


def parse_error(argv, capsys) -> str:
    """``cli.parse(argv)`` must exit 2; returns its one-line message."""
    with pytest.raises(SystemExit) as err:
        cli.parse(argv)
    assert err.value.code == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "error:" in ln]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture(scope="module")
def no_installers(tmp_path_factory):
    """A PATH on which every installer (apt-get, dpkg-query, sudo, npm, pip) only notes that it
    was called and fails: render.sh must answer without touching any of them."""
    bin_dir = tmp_path_factory.mktemp("no_installers")
    log = bin_dir / "called.log"
    for tool in ("apt-get", "dpkg-query", "sudo", "npm", "pip", "pip3"):
        script = bin_dir / tool
        script.write_text(f"#!/bin/sh\necho {tool} \"$@\" >> {log}\nexit 1\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    return env, log


def render_sh(*args, env=None):
    return subprocess.run(["./render.sh", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)


# --------------------------------------------------------------------------- ./render.sh


@pytest.mark.parametrize("args", [["--list"], ["-qm", "--list"]])
@pytest.mark.e2e   # a real process
def test_list_answers_before_any_install(no_installers, args):
    env, log = no_installers
    out = render_sh(*args, env=env)
    assert out.returncode == 0, out.stderr
    names = [line.split()[1] for line in out.stdout.strip().splitlines()]
    assert names == [c.name for c in CHAPTERS]
    assert not log.exists(), log.read_text()


@pytest.mark.parametrize("args", [["--help"], ["slides", "--help"]])
@pytest.mark.e2e   # a real process
def test_help_answers_before_any_install(no_installers, args):
    env, log = no_installers
    out = render_sh(*args, env=env)
    assert out.returncode == 0 and out.stdout.startswith("usage: ntk-explainer"), out.stderr
    assert not log.exists(), log.read_text()


@pytest.mark.parametrize("args, needle", [
    (["lookup_table", "no_such_chapter"], "unknown chapter 'no_such_chapter'"),
    (["-ql", "-qh"], "-ql and -qh conflict"),
    (["--format", "webm", "--format", "gif"], "--format given twice (webm and gif)"),
])
@pytest.mark.e2e   # a real process
def test_usage_errors_exit_2_with_one_message_before_any_install(no_installers, args, needle):
    env, log = no_installers
    out = render_sh(*args, env=env)
    assert out.returncode == 2
    errors = [ln for ln in out.stderr.splitlines() if "error:" in ln]
    assert len(errors) == 1 and needle in errors[0], out.stderr
    assert out.stdout == "" and not log.exists()


# --------------------------------------------------------------------------- pipeline.cli.parse


def test_unknown_chapter_lists_the_valid_ones(capsys):
    msg = parse_error(["lookup_table", "no_such_chapter"], capsys)
    assert all(c.name in msg for c in CHAPTERS)


@pytest.mark.parametrize("argv, needle", [
    (["-qz"], "unrecognized arguments: -qz"),
    (["rbf", "-qz", "training"], "unrecognized arguments: -qz"),
    (["--config", "no/such/file.toml"], "--config: no such file"),
    (["--config", "."], "is not a regular file"),
    (["bench", "--profile", "nope"], "unknown chapter 'nope' for --profile"),
])
def test_other_usage_errors(argv, needle, capsys):
    assert needle in parse_error(argv, capsys)


@pytest.mark.parametrize("argv", [["list"], ["render", "--list"], ["-h"]])
def test_list_and_help_need_nothing_installed(argv):
    if argv == ["-h"]:
        with pytest.raises(SystemExit) as err:
            cli.parse(argv)
        assert err.value.code == 0
    else:
        assert cli.needs(cli.parse(argv)) == []


def test_two_qualities_conflict_but_the_same_one_twice_is_fine(capsys):
    assert "-ql and -qh conflict" in parse_error(["-ql", "-qh"], capsys)
    assert cli.parse(["-qh", "-qh"]).quality == "h"


def test_two_different_formats_are_an_error(capsys):
    assert "--format given twice (webm and gif)" in parse_error(["--format", "webm", "--format", "gif"], capsys)
    assert cli.parse(["--format", "webm", "--format", "webm"]).format == "webm"
    assert "invalid choice" in parse_error(["--format", "avi"], capsys)


def test_chapters_keep_story_order_and_options_pass_through(tmp_path):
    # chapters and options in any order (argparse alone would refuse a chapter after an option)
    args = cli.parse(["training", "-qh", "lookup_table", "-t", "--format", "webm", "--media-dir", str(tmp_path)])
    assert [c.name for c in args.chapter_list] == ["lookup_table", "training"]
    opts = cli.options(args)
    assert (opts.quality, opts.fmt, opts.transparent, opts.media) == ("h", "webm", True, tmp_path.resolve())
    assert [c.name for c in opts.chapters] == ["lookup_table", "training"]
    everything = cli.parse([])
    assert everything.command == "render" and everything.chapter_list == list(CHAPTERS)
    assert cli.options(everything).quality == "l" and cli.options(everything).all_chapters


@pytest.mark.parametrize("command", [c for c in cli.COMMANDS if c != "test"])
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as err:
        cli.parse([command, "--help"])
    assert err.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: ntk-explainer {command}") and cli.COMMANDS[command].split(":")[0][:20] in out


def test_test_command_passes_everything_to_pytest():
    # `./render.sh test -m "not render"` (the README's example) and `./render.sh test --help`
    # (pytest's own help): every argument after `test` is pytest's, options first included.
    assert cli.parse(["test", "-m", "not render"]).pytest_args == ["-m", "not render"]
    assert cli.parse(["test", "--help", "-k", "frames"]).pytest_args == ["--help", "-k", "frames"]
    assert cli.parse(["test"]).pytest_args == []


@pytest.mark.parametrize("argv, needs", [
    (["--list"], []), (["list"], []), (["-qm", "--list"], []),
    ([], ["venv"]), (["rbf", "-qh"], ["venv"]), (["report"], ["venv"]),
    (["slides", "lookup_table"], ["venv", "revealjs"]), (["slides", "--to", "pdf"], ["venv"]),
    (["test", "-q"], ["venv", "revealjs", "browser"]),     # the deck tests make HTML and open it in chromium
    (["report", "--plot", "/tmp/ntk-plots"], ["venv", "plot"]), (["readme"], ["venv"]),
])
def test_what_each_command_needs_installed(argv, needs):
    assert cli.needs(cli.parse(argv)) == needs


@pytest.mark.e2e   # a real process
def test_preflight_needs_only_the_standard_library():
    # render.sh asks the system Python before the virtual environment exists.
    code = ("import sys; from pipeline import cli; cli.main(['--preflight', 'rbf']); "
            "print(sorted(m for m in ('numpy', 'jax', 'manim') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["venv", "[]"]
