"""Slides: a chapter's pauses become manim-slides slides; the HTML works offline; a PDF of stills."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from scenes.slides import remote_references


ROOT = Path(__file__).resolve().parent.parent


def test_remote_reference_detector():
    assert remote_references('<script src="https://cdn.example/reveal.js"></script>')
    assert remote_references("<link href='//cdn.example/x.css'>")
    assert not remote_references('<link rel="stylesheet" href="revealjs/dist/reveal.css">')
    assert not remote_references("<!-- see https://revealjs.com/ -->")  # a comment loads nothing


@pytest.mark.render
def test_slides_render_headless_and_offline():
    headless = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = subprocess.run(["./render.sh", "slides", "lookup_table"], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, env=headless)
    assert out.returncode == 0, out.stderr[-2000:]
    folder = ROOT / "media" / "slides"
    html = (folder / "ntk_explainer.html").read_text()
    assert remote_references(html) == []
    slides = json.loads((folder / "LookupTable.json").read_text())["slides"]
    # One slide per caption plus the title card and the closing state.
    assert len(slides) >= 5
    for s in slides:
        assert Path(s["file"]).exists()
    # Every local asset the HTML names exists next to it.
    import re
    live = re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL)
    for ref in re.findall(r'(?:src|href|data-background-video)="([^"#]+)"', live):
        assert (folder / ref).exists(), ref
    pdf = (folder / "ntk_explainer.pdf").read_bytes()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pdf.startswith(b"%PDF") and pages == len(slides)
    # The narration travels as speaker notes.
    assert any("lookup table" in s["notes"] for s in slides)
