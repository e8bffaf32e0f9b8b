"""One content-addressed chapter cache for every settings file and media folder (issue 22 §1):

* a chapter's key is what it is made from — its own code and the scenes modules it imports, its
  script, ntkcore, the settings sections it reads — so a settings file that changes one example
  changes the keys of exactly the chapters that read that example;
* a clip rendered once under a key is taken (hard link or copy) by any later render with the same
  key, whatever the settings file is called or which media folder it renders into, without running
  manim; a stored clip that does not match its stamp is never taken.
"""

from pathlib import Path

import pytest

from media_helpers import make_video
from pipeline import clipstore, keys
from pipeline.chapters import CHAPTERS, by_name
from pipeline.render import Options, Session, file_hash, is_up_to_date, render_chapter, video_path


def test_a_chapter_is_made_from_its_own_code_and_what_it_imports():
    files = {p.relative_to(keys.ROOT).as_posix() for p in keys.scene_closure("scenes.chapters.lookup_table")}
    assert {"scenes/chapters/lookup_table.py", "scenes/base.py", "scenes/widgets.py"} <= files
    assert not any(f.startswith("scenes/chapters/") and f != "scenes/chapters/lookup_table.py"
                   and not f.endswith("__init__.py") for f in files)      # never another chapter
    hashes = {ch.name: keys.code_hash(ch) for ch in CHAPTERS}
    assert len(set(hashes.values())) == len(CHAPTERS)


def test_a_changed_example_changes_exactly_the_chapters_that_read_it(tmp_path):
    cfg = tmp_path / "mine.toml"
    cfg.write_text("[examples.linear]\nlr = 0.002\n", encoding="utf-8")
    session = Session(Options(config=str(cfg), media=tmp_path / "media"), log=lambda *a: None)
    try:
        again = {ch.name for ch, differs in session.changes() if differs}
    finally:
        session.close()
    assert again == {ch.name for ch in CHAPTERS if "linear" in ch.examples}
    assert "lookup_table" not in again and "wide_init" not in again


def test_the_store_keeps_a_clip_whole_and_refuses_a_damaged_one(tmp_path):
    clip = make_video(tmp_path / "final" / "Scene.mp4")
    clip.with_suffix(".srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n", encoding="utf-8")
    clipstore.put("k" * 64, clip, file_hash(clip), tmp_path / "media")
    found = clipstore.find("k" * 64, [tmp_path / "elsewhere", tmp_path / "media"], file_hash)
    assert found is not None and found.read_bytes() == clip.read_bytes()
    out = tmp_path / "other" / "Scene.mp4"
    clipstore.take(found, out)
    assert out.read_bytes() == clip.read_bytes() and out.with_suffix(".srt").is_file()
    found.write_bytes(b"damaged")                       # (a copy here would break the link; overwrite the entry)
    assert clipstore.find("k" * 64, [tmp_path / "media"], file_hash) is None


def test_a_render_under_another_name_takes_the_stored_clip_without_manim(tmp_path, monkeypatch):
    import pipeline.render as render

    media = tmp_path / "media"
    ch = by_name()["lookup_table"]
    first = Session(Options(chapters=[ch], media=media), log=lambda *a: None)
    key = first.chapter_key(ch)
    first.close()
    made = make_video(tmp_path / "made" / f"{ch.scene}.mp4")
    clipstore.put(key, made, file_hash(made), media)
    cfg = tmp_path / "lecture week 3.toml"
    cfg.write_text("[examples.linear]\nlr = 0.002\n", encoding="utf-8")      # lookup_table does not read it
    opts = Options(chapters=[ch], media=media, config=str(cfg))
    monkeypatch.setattr(render, "run_manim", lambda *a, **k: pytest.fail("manim ran for a stored key"))
    session = Session(opts, log=lambda *a: None)
    try:
        run = render_chapter(ch, session, Path("unused"))
        assert run.reused and run.status == 0
        assert video_path(ch, opts).read_bytes() == made.read_bytes()
        assert is_up_to_date(ch, opts, session.chapter_key(ch))
    finally:
        session.close()


def test_a_render_looks_in_the_default_media_folder_unless_told_not_to(tmp_path, monkeypatch):
    from pipeline import clipstore
    own, default = tmp_path / "own", tmp_path / "default"
    monkeypatch.delenv(clipstore.OWN_ONLY, raising=False)
    assert clipstore.stores(own, default) == [own, default]
    monkeypatch.setenv(clipstore.OWN_ONLY, "1")          # as the test suite runs
    assert clipstore.stores(own, default) == [own]
