"""Build chapters without writing video and report their caption steps (id, caption, narration).

Run as a child process by :mod:`pipeline.narrated` (one per core)::

    python -m pipeline.collect --out steps.json --tex-root DIR CHAPTER...

with the render's runtime contract in the environment (settings, precomputed data).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path


def collect(chapter, tex_root: Path) -> list[dict]:
    from manim import tempconfig

    module = importlib.import_module(chapter.module)
    cls = getattr(module, chapter.scene)
    with tempconfig({"dry_run": True, "write_to_movie": False, "save_last_frame": False, "disable_caching": True,
                     "quality": "low_quality", "progress_bar": "none", "verbosity": "WARNING",
                     "tex_dir": str(tex_root / chapter.name / "Tex"), "text_dir": str(tex_root / chapter.name / "texts")}):
        scene = cls()
        scene.render()
    return [{"chapter": chapter.name, "id": s.id, "caption": s.caption, "narration": s.narration,
             "seconds": s.end - s.start} for s in scene.steps if not s.skipped]


def main(argv=None) -> int:
    from pipeline.chapters import by_name

    p = argparse.ArgumentParser(prog="python -m pipeline.collect")
    p.add_argument("--out", required=True)
    p.add_argument("--tex-root", required=True)
    p.add_argument("chapters", nargs="+")
    args = p.parse_args(argv)
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    out = {name: collect(by_name()[name], Path(args.tex_root)) for name in args.chapters}
    tmp = Path(args.out + ".partial")
    tmp.write_text(json.dumps(out), encoding="utf-8")
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
