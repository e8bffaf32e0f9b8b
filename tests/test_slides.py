"""Slides, and the suite's one real render.

``./render.sh slides lookup_table --media-dir TMP --config FILE`` renders Example 1 with manim
(into a temporary media folder, never the user's media/ or slides/), while the settings file is
edited under it.  From that one render: the chapter's pauses became manim-slides slides, the HTML
works offline, the PDF has one still per slide; the clip is whole, stamped, and its subtitles come
from the settings as they were when the render started; the chapter cache keeps it for a settings
change the chapter does not read, and not for one it reads.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from pipeline.chapters import CHAPTERS, by_name
from pipeline.render import Options, Session, is_up_to_date, video_path
from pipeline.slides import deck_name, remote_references

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = "[examples.lookup_table]\nobservation = [0, 30]\n"
EDITED = "[examples.lookup_table]\nobservation = [5, 30]\n"      # written while the render runs
DECK = "ntk_explainer-lookup_table"


def test_remote_reference_detector():
    assert remote_references('<script src="https://cdn.example/reveal.js"></script>')
    assert remote_references("<link href='//cdn.example/x.css'>")
    assert not remote_references('<link rel="stylesheet" href="revealjs/dist/reveal.css">')
    assert not remote_references("<!-- see https://revealjs.com/ -->")  # a comment loads nothing


def test_deck_names_never_collide():
    assert deck_name(Options(), None) == "ntk_explainer"
    assert deck_name(Options(chapters=CHAPTERS[:2]), None) == f"ntk_explainer-{CHAPTERS[0].name}-{CHAPTERS[1].name}"
    assert deck_name(Options(chapters=CHAPTERS[:1]), "lecture3") == "lecture3"


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    """The real render; returns (its settings file, its media folder, its slides folder)."""
    tmp = tmp_path_factory.mktemp("real_render")
    cfg, media = tmp / "settings.toml", tmp / "media"
    cfg.write_text(SNAPSHOT)
    users = [ROOT / "media" / "slides", ROOT / "slides"]         # must stay as they are
    before = {p: sorted(p.rglob("*")) if p.exists() else None for p in users}
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}   # headless
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen(["./render.sh", "slides", "lookup_table", "--to", "html", "--to", "pdf", "--to", "pptx",
                             "--media-dir", str(media), "--config", str(cfg)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    for line in proc.stdout:                 # the settings were read before any chapter starts
        lines.append(line)
        if "lookup_table … started" in line:
            cfg.write_text(EDITED)
            break
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, ("".join(lines) + out + err)[-3000:]
    assert cfg.read_text() == EDITED, "the render never said it started"
    assert {p: sorted(p.rglob("*")) if p.exists() else None for p in users} == before
    return cfg, media, media / "configs" / "settings" / "slides"


@pytest.mark.render
def test_slides_are_offline_html_and_a_pdf_with_notes(render):
    _, media, folder = render
    html = (folder / f"{DECK}.html").read_text()
    assert remote_references(html) == []
    slides = json.loads((folder / "LookupTable.json").read_text())["slides"]
    # One slide per caption plus the title card and the closing state.
    assert len(slides) >= 5
    for s in slides:
        assert Path(s["file"]).exists() and Path(s["file"]).resolve().is_relative_to(media.resolve())
    # Every local asset the HTML names exists next to it.
    live = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    for ref in re.findall(r'(?:src|href|data-background-video)="([^"#]+)"', live):
        assert (folder / ref).exists(), ref
    pdf = (folder / f"{DECK}.pdf").read_bytes()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pdf.startswith(b"%PDF") and pages == len(slides)
    # The narration travels as speaker notes.
    assert any("lookup table" in s["notes"] for s in slides)


@pytest.mark.render
def test_slides_as_powerpoint_with_clips_and_speaker_notes(render):
    import zipfile

    from pptx import Presentation
    _, _, folder = render
    slides = json.loads((folder / "LookupTable.json").read_text())["slides"]
    deck = folder / f"{DECK}.pptx"
    pres = Presentation(str(deck))
    assert len(pres.slides) == len(slides)
    notes = [s.notes_slide.notes_text_frame.text if s.has_notes_slide else "" for s in pres.slides]
    assert [n.strip() for n in notes] == [s["notes"].strip() for s in slides]
    clips = [n for n in zipfile.ZipFile(deck).namelist() if n.startswith("ppt/media/") and n.endswith(".mp4")]
    assert len(clips) == len(slides)      # every slide carries its clip


def slides_options(cfg, media):
    return Options(chapters=[by_name()["lookup_table"]], media=media, config=cfg, subdir="slides")


@pytest.mark.render
def test_the_clip_is_whole_and_its_subtitles_come_from_the_snapshot(render):
    import srt

    from pipeline.media import verify_video
    cfg, media, _ = render
    video = video_path(by_name()["lookup_table"], slides_options(cfg, media))
    frames, seconds = verify_video(video)
    assert frames > 100
    cues = list(srt.parse(video.with_suffix(".srt").read_text()))
    assert len(cues) >= 5
    assert all(0 <= c.start.total_seconds() < c.end.total_seconds() <= seconds + 0.05 for c in cues)
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:]))        # one caption at a time
    said = " ".join(c.content for c in cues)
    assert "We observe y = 30 at x = 0" in said and "at x = 5" not in said   # the snapshot, not the edit


@pytest.mark.render
@pytest.mark.parametrize("settings, kept", [
    (SNAPSHOT, True),                                           # what it was rendered from
    (SNAPSHOT + "[examples.training]\nsteps = 12\n", True),     # a setting it does not read
    (EDITED, False),                                            # one it reads
])
def test_the_chapter_cache_keeps_it_until_a_read_setting_changes(render, settings, kept):
    cfg, media, _ = render
    cfg.write_text(settings)
    session = Session(slides_options(cfg, media), log=lambda *a: None)
    try:
        ch = by_name()["lookup_table"]
        assert is_up_to_date(ch, session.opts, session.chapter_key(ch)) is kept
    finally:
        session.close()
