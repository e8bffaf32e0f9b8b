"""./render.sh skips a chapter only when its code, render options and the settings it read are
unchanged; a changed setting it reads renders it again."""

import shutil
from pathlib import Path

import pytest

from scenes.chapters import parse_options
from scenes.render import chapter_key, is_up_to_date, media_root, render_all


ROOT = Path(__file__).resolve().parent.parent


def test_key_depends_on_the_settings_a_chapter_read(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[examples.training]\nsteps = 12\n")
    b.write_text("[examples.lookup_table]\nlr = 0.2\n")
    opts_a = parse_options(["lookup_table", "--config", str(a)])
    opts_b = parse_options(["lookup_table", "--config", str(b)])
    ch = opts_a.chapters[0]
    assert chapter_key(ch, opts_a, ["lookup_table"]) != chapter_key(ch, opts_b, ["lookup_table"])
    # A setting the chapter never read does not matter...
    assert chapter_key(ch, opts_a, ["lookup_table"]) == chapter_key(ch, parse_options(["lookup_table"]), ["lookup_table"])
    # ...but quality does.
    assert chapter_key(ch, opts_a, ["lookup_table"]) != chapter_key(ch, parse_options(["lookup_table", "-qm", "--config", str(a)]), ["lookup_table"])


@pytest.mark.render
def test_unchanged_chapter_is_kept_and_changed_one_rerendered():
    cfg = ROOT / "media" / "pytest_cache_check.toml"
    cfg.parent.mkdir(exist_ok=True)
    cfg.write_text("")
    opts = parse_options(["lookup_table", "--config", str(cfg)])
    shutil.rmtree(media_root(opts), ignore_errors=True)
    try:
        first = render_all(opts)
        assert first is not None and not first[0].cached
        assert is_up_to_date(opts.chapters[0], opts)
        cfg.write_text("[examples.training]\nsteps = 12\n")  # not read by this chapter
        assert render_all(opts)[0].cached
        cfg.write_text("[examples.lookup_table]\nobservation = [0, 30]\n")  # read by it
        assert not is_up_to_date(opts.chapters[0], opts)
        third = render_all(opts)
        assert not third[0].cached and third[0].status == 0
    finally:
        shutil.rmtree(media_root(opts), ignore_errors=True)
        cfg.unlink(missing_ok=True)
