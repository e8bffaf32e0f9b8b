"""Slides, and the suite's one real render.

``./render.sh slides lookup_table --media-dir TMP --config FILE`` renders Example 1 with manim
(into a temporary media folder, never the user's media/ or slides/), while the settings file is
edited under it.  From that one render: the chapter's caption steps became slides cut from its clip
(frame for frame), the deck folder is complete and plays offline in a real browser, the PDF has one
still per slide, the PowerPoint deck carries the clips and the notes; a second format and a second
run of the same command render nothing; the clip is whole, stamped, and its subtitles come from the
settings as they were when the render started; the chapter cache keeps it for a settings change
the chapter does not read, and not for one it reads.
"""

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.chapters import by_name
from pipeline.slides import REVEALJS
from pipeline.render import Options, Session, is_up_to_date, video_path
from pipeline.slides import remote_references

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = "[examples.lookup_table]\nobservation = [0, 30]\n"
EDITED = "[examples.lookup_table]\nobservation = [5, 30]\n"      # written while the render runs
DECK = "ntk_explainer-lookup_table"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def test_remote_reference_detector():
    assert remote_references('<script src="https://cdn.example/reveal.js"></script>')
    assert remote_references("<link href='//cdn.example/x.css'>")
    assert not remote_references('<link rel="stylesheet" href="revealjs/dist/reveal.css">')
    assert not remote_references("<!-- see https://revealjs.com/ -->")  # a comment loads nothing


def headless_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def slides_command(media, cfg, *targets) -> list:
    return [sys.executable, "-m", "pipeline", "slides", "lookup_table", *[a for t in targets for a in ("--to", t)],
            "--media-dir", str(media), "--config", str(cfg)]


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    if not REVEALJS.joinpath("dist", "reveal.js").exists():
        pytest.skip("reveal.js is not installed (./render.sh test installs it into .cache/npm)")
    """The real render (html and pdf), then pptx and the first command again from what is there."""
    tmp = tmp_path_factory.mktemp("real_render")
    cfg, media = tmp / "settings.toml", tmp / "media"
    cfg.write_text(SNAPSHOT)
    users = [ROOT / "media" / "slides", ROOT / "media" / "decks", ROOT / "slides"]     # must stay as they are
    before = {p: sorted(p.rglob("*")) if p.exists() else None for p in users}
    proc = subprocess.Popen(slides_command(media, cfg, "html", "pdf"),
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=headless_env())
    lines = []
    for line in proc.stdout:                 # the settings were read before any chapter starts
        lines.append(line)
        if "lookup_table … started" in line:
            cfg.write_text(EDITED)
            break
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, ("".join(lines) + out + err)[-3000:]
    assert cfg.read_text() == EDITED, "the render never said it started"
    first = "".join(lines) + out
    cfg.write_text(SNAPSHOT)                 # as it was rendered: the next commands find it unchanged
    later = []
    for targets in (("pptx",), ("html", "pdf")):
        done = subprocess.run(slides_command(media, cfg, *targets), cwd=ROOT, capture_output=True, text=True,
                              env=headless_env(), timeout=600, check=False)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        later.append(done.stdout)
    cfg.write_text(EDITED)
    assert {p: sorted(p.rglob("*")) if p.exists() else None for p in users} == before
    root = media / "configs" / "settings"
    return SimpleNamespace(cfg=cfg, media=media, folder=root / "decks" / DECK, first=first, pptx=later[0],
                           again=later[1], clip=video_path(by_name()["lookup_table"], slides_options(cfg, media)))


def presentation(folder: Path) -> list:
    return json.loads((folder / "slides" / f"{DECK}.json").read_text())["slides"]


@pytest.mark.render
def test_slides_are_offline_html_and_a_pdf_with_notes(render):
    folder = render.folder
    html = (folder / f"{DECK}.html").read_text()
    assert remote_references(html) == []
    slides = presentation(folder)
    steps = json.loads(render.clip.with_name(render.clip.stem + ".steps.json").read_text())["steps"]
    assert len(slides) == len(steps) >= 5           # one slide per caption step, the title card's too
    for s in slides:                                 # every clip in the deck folder, named relative to it
        assert not Path(s["file"]).is_absolute() and (folder / s["file"]).is_file()
        assert (folder / s["file"]).resolve().is_relative_to(folder.resolve())
    # Every local asset the HTML names exists next to it.
    live = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    refs = re.findall(r'(?:src|href|data-background-video)="([^"#]+)"', live)
    assert sum(r.endswith(".mp4") for r in refs) == len(slides)
    for ref in refs:
        assert (folder / ref).exists() and (folder / ref).resolve().is_relative_to(folder.resolve()), ref
    pdf = (folder / f"{DECK}.pdf").read_bytes()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pdf.startswith(b"%PDF") and pages == len(slides)
    # The narration travels as speaker notes, step by step.
    assert [s["notes"] for s in slides] == [st["notes"] for st in steps]
    assert any("lookup table" in s["notes"] for s in slides)


@pytest.mark.render
def test_the_slides_are_the_clip_cut_frame_for_frame(render):
    import av

    def frames(path):
        with av.open(str(path)) as c:
            return [f.to_ndarray(format="yuv420p").tobytes() for f in c.decode(video=0)]
    whole = frames(render.clip)
    cut = [f for s in presentation(render.folder) for f in frames(render.folder / s["file"])]
    assert len(cut) == len(whole) and cut == whole


@pytest.mark.render
def test_a_second_format_and_a_second_run_render_nothing(render):
    assert "lookup_table … started" in render.first
    for out in (render.pptx, render.again):
        assert "lookup_table … unchanged, kept" in out and "started" not in out, out
        assert "slides cut" not in out, out          # the cut is kept too
    assert "(unchanged, kept)" in render.again.split(f"{DECK}.html")[1].splitlines()[0]
    assert all((render.folder / f"{DECK}.{t}").is_file() for t in ("html", "pdf", "pptx"))


@pytest.mark.render
def test_slides_as_powerpoint_with_clips_and_speaker_notes(render):
    import zipfile

    from pptx import Presentation
    slides = presentation(render.folder)
    deck = render.folder / f"{DECK}.pptx"
    pres = Presentation(str(deck))
    assert len(pres.slides) == len(slides)
    notes = [s.notes_slide.notes_text_frame.text if s.has_notes_slide else "" for s in pres.slides]
    assert [n.strip() for n in notes] == [s["notes"].strip() for s in slides]
    clips = [n for n in zipfile.ZipFile(deck).namelist() if n.startswith("ppt/media/") and n.endswith(".mp4")]
    assert len(clips) == len(slides)      # every slide carries its clip


VIDEO = "Reveal.getCurrentSlide().slideBackgroundContentElement.querySelector('video')"


@pytest.mark.render
def test_the_deck_plays_offline_in_a_browser(render, tmp_path):
    """The deck folder copied elsewhere, opened from disk in headless Chromium as a lecturer's laptop
    would: no request leaves the copied folder, the keyboard advances every slide, every clip plays."""
    if not CHROMIUM.exists():
        pytest.skip("no browser: /usr/bin/chromium is missing (apt-get install chromium; ./render.sh test "
                    "installs it where it may)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    hall = tmp_path / "lecture hall PC"
    shutil.copytree(render.folder, hall)
    base = hall.as_uri() + "/"
    requests, failed, played = [], [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_FLAGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(base + f"{DECK}.html")
            page.wait_for_function("() => window.Reveal && Reveal.isReady()")
            total = page.evaluate("Reveal.getTotalSlides()")
            assert total == len(presentation(render.folder))
            for k in range(total):
                if k:
                    page.keyboard.press("ArrowRight")
                page.wait_for_function(f"() => Reveal.getIndices().h === {k}", timeout=10_000)
                page.wait_for_function(f"() => {{ const v = {VIDEO}; return v && v.readyState >= 2; }}", timeout=20_000)
                t0 = page.evaluate(f"{VIDEO}.currentTime")
                page.wait_for_function(f"() => {VIDEO}.currentTime > {t0} + 0.1", timeout=20_000)
                played.append(page.evaluate(f"(() => {{ const v = {VIDEO}; return [v.currentSrc, v.error]; }})()"))
        finally:
            browser.close()
    clips = [base + s["file"] for s in presentation(render.folder)]
    assert [src for src, _ in played] == clips and all(err is None for _, err in played)
    assert set(clips) <= set(requests)       # the requests were seen: the reveal.js files and every clip …
    assert base + "revealjs/dist/reveal.js" in requests
    assert [u for u in requests if not u.startswith(base)] == []      # … and none left the folder
    assert failed == []


def slides_options(cfg, media):
    return Options(chapters=[by_name()["lookup_table"]], media=media, config=cfg)


@pytest.mark.render
def test_the_clip_is_whole_and_its_subtitles_come_from_the_snapshot(render):
    import srt

    from pipeline.media import verify_video
    video = render.clip
    frames, seconds = verify_video(video)
    assert frames > 100
    cues = list(srt.parse(video.with_suffix(".srt").read_text()))
    assert len(cues) >= 5
    assert all(0 <= c.start.total_seconds() < c.end.total_seconds() <= seconds + 0.05 for c in cues)
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))        # one caption at a time
    said = " ".join(c.content for c in cues)
    assert "We observe y = 30 at x′ = 0" in said and "at x′ = 5" not in said   # the snapshot, not the edit


@pytest.mark.render
@pytest.mark.parametrize("settings, kept", [
    (SNAPSHOT, True),                                           # what it was rendered from
    (SNAPSHOT + "[examples.training]\nsteps = 12\n", True),     # a setting it does not read
    (EDITED, False),                                            # one it reads
])
def test_the_chapter_cache_keeps_it_until_a_read_setting_changes(render, settings, kept):
    cfg, media = render.cfg, render.media
    cfg.write_text(settings)
    session = Session(slides_options(cfg, media), log=lambda *a: None)
    try:
        ch = by_name()["lookup_table"]
        assert is_up_to_date(ch, session.opts, session.chapter_key(ch)) is kept
    finally:
        session.close()
