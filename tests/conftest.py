import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# manim finds manim.cfg (media_dir, TeX template) from the working directory.
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JAX_PLATFORMS", "cpu")

# With pytest-xdist, each worker builds scenes in its own TeX/text cache: two processes must never
# compile or read the same cache file at once.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    from manim import config

    config.tex_dir = str(ROOT / "media" / "test_caches" / _worker / "Tex")
    config.text_dir = str(ROOT / "media" / "test_caches" / _worker / "texts")
