"""``./render.sh slides``: every chapter as manim-slides slides, an offline HTML presentation and a
PDF of slide stills.

Each caption of a chapter starts a new slide (``ExampleScene.pause``).  The HTML uses reveal.js
from the npm registry, copied next to the presentation (``render.sh`` installs it into
``.cache/npm``), so nothing is fetched from a CDN at show time; the PDF holds the last frame of
every slide.  Output: ``media/slides/ntk_explainer.html`` (+ ``ntk_explainer_assets/`` and
``revealjs/``) and ``media/slides/ntk_explainer.pdf``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from scenes.chapters import UsageError, parse_options
from scenes.render import ROOT, check_config, media_root, render_all

REVEALJS = ROOT / ".cache" / "npm" / "node_modules" / "reveal.js"
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)


COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def remote_references(html: str) -> list[str]:
    """``src=``/``href=`` attributes outside HTML comments that point off this machine."""
    return REMOTE.findall(COMMENT.sub("", html))


def convert(scenes: list[str], folder: Path, out_html: Path) -> None:
    """manim-slides' HTML and PDF converters, with reveal.js served from next to the HTML."""
    if not (REVEALJS / "dist" / "reveal.js").exists():
        raise FileNotFoundError(f"reveal.js not found at {REVEALJS}; run ./render.sh slides (it installs it)")
    local = out_html.parent / "revealjs"
    if local.exists():
        shutil.rmtree(local)
    shutil.copytree(REVEALJS / "dist", local / "dist")
    base = [sys.executable, "-m", "manim_slides", "convert", "--folder", str(folder), *scenes]
    subprocess.run([*base, str(out_html), "--to", "html", "-ccdn_url=revealjs",
                    "-creveal_theme=white", "-ctitle=Some intuition on the neural tangent kernel",
                    "-cslide_number=true", "-cprogress=true"], check=True, cwd=ROOT)
    subprocess.run([*base, str(out_html.with_suffix(".pdf")), "--to", "pdf"], check=True, cwd=ROOT)
    html = out_html.read_text(encoding="utf-8")
    remote = remote_references(html)
    if remote:
        raise RuntimeError(f"{out_html} references remote content: {remote[:3]}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        opts = parse_options(argv)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if check_config(opts):
        return 2
    opts.subdir = "slides"  # slide renders never overwrite the chapter videos
    folder = media_root(opts)
    env = {"NTK_SLIDES_DIR": str(folder)}
    if render_all(opts, verb="Slides of", env_extra=env) is None:
        return 1
    out_html = folder / "ntk_explainer.html"
    convert([ch.scene for ch in opts.chapters], folder, out_html)
    print(f"Presentation (offline HTML): {out_html.relative_to(ROOT)}")
    print(f"Slide stills (PDF):          {out_html.with_suffix('.pdf').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
