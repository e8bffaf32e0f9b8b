"""The chapter cache (pipeline.render): a chapter is kept only when its clip is the very file that
was verified after its render (sha256) and its key is unchanged; the key changes with what the
chapter reads (its examples, the theme, its data, the render options), not with settings it does
not read; a render reads the settings as they were when it started.  All with the real Session
and Options(media=tmp_path); manim itself is stubbed here (FakeManim), and the one real render of
the suite (tests/test_slides.py) checks the same promises end to end."""

import dataclasses
import json

from pathlib import Path

import pytest

from media_helpers import make_video
from pipeline import datacache, render
from pipeline.chapters import by_name
from pipeline.render import Options, Session

CH = by_name()


def session(tmp_path, settings_text=None, chapters=("lookup_table",), **opts) -> Session:
    """A Session over ``tmp_path`` (settings from ``settings_text`` when given)."""
    config = None
    if settings_text is not None:
        config = tmp_path / "settings.toml"
        config.write_text(settings_text)
    s = Session(Options(chapters=[CH[n] for n in chapters], media=tmp_path / "media", config=config, **opts),
                log=lambda *a: None)
    for name in dict.fromkeys(d for n in chapters for d in CH[n].data):
        # the data file a render would load (named by its key; not computed here)
        s.data[name] = str(datacache.path_for(name, s.settings, s.opts.cache_dir))
    return s


def key(tmp_path, name, settings_text=None, **opts) -> str:
    s = session(tmp_path, settings_text, chapters=(name,), **opts)
    try:
        return s.chapter_key(CH[name])
    finally:
        s.close()


# --------------------------------------------------------------------------- the key


@pytest.mark.parametrize("name, read, unread", [
    ("lookup_table", "[examples.lookup_table]\nlr = 0.2\n", "[examples.training]\nsteps = 12\n"),
    ("linear", "[examples.lookup_table]\nlr = 0.2\n", "[examples.rbf]\nlr = 0.2\n"),   # linear reads Example 1's rate
    ("training", "[examples.training]\nsteps = 12\n", "[examples.rbf]\nlr = 0.2\n"),
    ("wide_init", "[wide]\nseeds = 8\n", "[examples.rbf]\nlr = 0.2\n"),     # init_band uses no data
    ("wide_training", "[examples.rbf]\nlr = 0.2\n", "[examples.linear]\nlr = 0.2\n"),  # its data do
    ("nngp_vs_ntk", "[wide]\ndepth = 3\n", "[examples.training]\nsteps = 12\n"),
])
def test_key_changes_with_a_setting_the_chapter_reads_not_with_one_it_does_not(tmp_path, name, read, unread):
    base = key(tmp_path, name)
    assert key(tmp_path, name, read) != base
    assert key(tmp_path, name, unread) == base
    assert key(tmp_path, name, "") == base          # an empty settings file is the defaults


def test_key_changes_with_the_theme_and_every_render_option(tmp_path):
    base = key(tmp_path, "lookup_table")
    others = [key(tmp_path, "lookup_table", '[theme]\nink = "#000000"\n'),
              key(tmp_path, "lookup_table", quality="m"),
              key(tmp_path, "lookup_table", fmt="webm"),
              key(tmp_path, "lookup_table", transparent=True),
              key(tmp_path, "lookup_table", fmt="webm", transparent=True)]
    assert len({base, *others}) == 1 + len(others)


def test_key_changes_with_the_code(tmp_path, monkeypatch):
    from pipeline import keys
    base = key(tmp_path, "lookup_table")
    real = keys.digest
    edited = keys.ROOT / "scenes" / "widgets.py"       # a module the chapter imports
    monkeypatch.setattr(keys, "digest", lambda p: "an edit" if Path(p) == edited else real(p))
    assert key(tmp_path, "lookup_table") != base
    monkeypatch.setattr(keys, "digest", lambda p: "an edit" if Path(p).name == "linear.py" else real(p))
    assert key(tmp_path, "lookup_table") == base        # another chapter's code is not its code


def test_each_format_and_background_has_its_own_stamp(tmp_path):
    opts = [Options(media=tmp_path, fmt=f, transparent=t) for f, t in
            (("mp4", False), ("mp4", True), ("webm", False), ("webm", True), ("gif", False))]
    ch = CH["lookup_table"]
    assert len({render.stamp_path(ch, o) for o in opts}) == 5
    clips = [render.video_path(ch, o) for o in opts]
    assert [c.suffix for c in clips] == [".mp4", ".mov", ".webm", ".webm", ".gif"]
    # An opaque and a transparent webm are two files (manim names both Scene.webm): neither
    # overwrites nor stands in for the other.
    assert len(set(clips)) == 5


# --------------------------------------------------------------------------- is the clip up to date?


def stamped(tmp_path):
    """lookup_table's clip in videos/ (a real, small video) stamped with its session's key."""
    s = session(tmp_path)
    ch = CH["lookup_table"]
    k = s.chapter_key(ch)
    make_video(render.video_path(ch, s.opts))
    render.mark_up_to_date(ch, s.opts, k)
    return s, ch, k


def test_stamp_holds_the_key_the_size_and_the_sha256(tmp_path):
    s, ch, k = stamped(tmp_path)
    video = render.video_path(ch, s.opts)
    saved = json.loads(render.stamp_path(ch, s.opts).read_text())
    assert saved == {"key": k, "size": video.stat().st_size, "sha256": render.file_hash(video)}
    assert render.is_up_to_date(ch, s.opts, k)
    assert not render.is_up_to_date(ch, s.opts, "another key")


@pytest.mark.parametrize("damage", ["empty", "truncated", "same size, one byte changed", "missing"])
def test_a_damaged_clip_is_not_up_to_date_though_the_key_matches(tmp_path, damage):
    s, ch, k = stamped(tmp_path)
    video = render.video_path(ch, s.opts)
    data = video.read_bytes()
    if damage == "empty":
        video.write_bytes(b"")
    elif damage == "truncated":
        video.write_bytes(data[: len(data) // 2])
    elif damage == "missing":
        video.unlink()
    else:
        video.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    assert not render.is_up_to_date(ch, s.opts, k)
    if damage != "missing":
        video.write_bytes(data)
        assert render.is_up_to_date(ch, s.opts, k)     # the very file again: kept


def test_an_unreadable_stamp_is_not_up_to_date(tmp_path):
    s, ch, k = stamped(tmp_path)
    render.stamp_path(ch, s.opts).write_text("{not json")
    assert not render.is_up_to_date(ch, s.opts, k)


# --------------------------------------------------------------------------- render_chapter (manim stubbed)


class FakeManim:
    """Stands in for the manim process: writes ``staged`` bytes (a whole video by default) where
    manim would, and counts its runs."""

    def __init__(self, monkeypatch, broken=False):
        self.runs, self.broken = 0, broken
        monkeypatch.setattr(render, "run_manim", self)

    def __call__(self, ch, opts, runtime_file, extra=()):
        self.runs += 1
        staged = render.staging_path(ch, opts)
        make_video(staged, shade=40 * self.runs)
        if self.broken:
            staged.write_bytes(staged.read_bytes()[:300])      # killed half-way through writing
        log = opts.root / "logs" / f"{ch.name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text("fake manim\n")
        return render.ChapterRun(ch, 0.1, 0, log, 1.0, False)


def test_a_verified_render_is_moved_into_place_stamped_and_then_kept(tmp_path, monkeypatch):
    fake = FakeManim(monkeypatch)
    s = session(tmp_path)
    ch = CH["lookup_table"]
    rt = s.contract(save_slides=False)
    first = render.render_chapter(ch, s, rt)
    assert (first.status, first.cached, fake.runs) == (0, False, 1)
    assert not render.staging_path(ch, s.opts).exists() and render.video_path(ch, s.opts).exists()
    assert render.is_up_to_date(ch, s.opts, s.chapter_key(ch))
    again = render.render_chapter(ch, s, rt)
    assert (again.status, again.cached, fake.runs) == (0, True, 1)
    forced = render.render_chapter(ch, Session(dataclasses.replace(s.opts, force=True), log=lambda *a: None), rt)
    assert (forced.cached, fake.runs) == (False, 2)


def test_a_broken_render_is_not_moved_into_place_nor_stamped(tmp_path, monkeypatch):
    FakeManim(monkeypatch, broken=True)
    s = session(tmp_path)
    ch = CH["lookup_table"]
    make_video(render.video_path(ch, s.opts), shade=200)          # an earlier clip, unstamped
    earlier = render.video_path(ch, s.opts).read_bytes()
    run = render.render_chapter(ch, s, s.contract(save_slides=False))
    assert run.status == 1 and "error:" in run.log.read_text()
    assert render.video_path(ch, s.opts).read_bytes() == earlier  # untouched
    assert not render.stamp_path(ch, s.opts).exists()


# --------------------------------------------------------------------------- the settings snapshot


def test_a_settings_edit_after_the_snapshot_changes_nothing(tmp_path):
    from conftest import runtime_contract
    from scenes import runtime

    s = session(tmp_path, "[examples.lookup_table]\nobservation = [0, 30]\n")
    k = s.chapter_key(CH["lookup_table"])
    rt = s.contract(save_slides=False)
    s.opts.config.write_text("[examples.lookup_table]\nobservation = [5, 30]\n")   # edited during the render
    assert s.chapter_key(CH["lookup_table"]) == k
    assert s.settings.example("lookup_table").observation == (0.0, 30.0)
    with runtime_contract(rt):     # what every chapter process of this render reads
        assert runtime.settings().example("lookup_table").observation == (0.0, 30.0)
    s.close()
    assert not s.run_dir.exists()
