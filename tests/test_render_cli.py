"""`render.sh` argument handling: answers before installing or rendering anything."""

import subprocess
from pathlib import Path

import pytest

from scenes.chapters import CHAPTERS, UsageError, parse_args


ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run(["./render.sh", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_list_prints_chapters_in_story_order():
    out = run("--list")
    assert out.returncode == 0
    names = [line.split()[1] for line in out.stdout.strip().splitlines()]
    assert names == [c.name for c in CHAPTERS]
    assert names[0] == "lookup_table"


def test_unknown_chapter_exits_2_and_lists_valid_names(tmp_path):
    def outputs():  # what a render writes (other tests may fill caches elsewhere meanwhile)
        return sorted((p, p.stat().st_mtime) for p in (ROOT / "media" / "videos").rglob("*") if p.is_file())

    before = outputs()
    out = run("lookup_table", "no_such_chapter")
    assert out.returncode == 2
    assert "unknown chapter 'no_such_chapter'" in out.stderr
    for c in CHAPTERS:
        assert c.name in out.stderr
    assert "Rendering" not in out.stdout
    assert outputs() == before  # nothing rendered


def test_unknown_option_exits_2():
    out = run("-qz")
    assert out.returncode == 2 and "unknown option '-qz'" in out.stderr


def test_parse_args_keeps_story_order_and_quality():
    chosen, quality = parse_args(["training", "-qh", "lookup_table"])
    assert [c.name for c in chosen] == ["lookup_table", "training"]
    assert quality == "-qh"
    chosen, quality = parse_args([])
    assert len(chosen) == len(CHAPTERS) and quality == "-ql"
    with pytest.raises(UsageError):
        parse_args(["bogus"])
