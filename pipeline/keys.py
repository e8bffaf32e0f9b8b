"""What a chapter's clip is made from: its key.

A chapter's clip depends on the code that draws it — its own module, the scenes modules it imports
(transitively), its script file, the shared labels and TeX template — on all of ``ntkcore`` (the
numbers), on the story's facts (titles and roadmap lines: the opening draws them all), on the
settings sections it reads (its declared examples, the theme, the wide-network data it loads), on
its words (a translation's tables for this chapter) and on every render option.  Two renders with
the same key make the same clip, whatever the settings file is called or where the media folder is:
:mod:`pipeline.clipstore` reuses it.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import threading
from pathlib import Path

from pipeline.paths import ROOT

SHARED_FILES = ("scenes/labels.toml", "scenes/tex_template.tex", "manim.cfg")


def module_file(name: str) -> Path | None:
    """The file of module ``name`` inside the repository (None: not ours)."""
    base = ROOT.joinpath(*name.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None


_PARSE = threading.Lock()     # CPython 3.11's ast.parse is not safe in two threads at once


def imports_of(path: Path) -> frozenset:
    """The modules a file imports anywhere in it (``from a import b`` counts as ``a`` and ``a.b``)."""
    st = path.stat()
    with _PARSE:
        return _imports_of(path, st.st_mtime, st.st_size)


@functools.cache
def _imports_of(path: Path, mtime: float, size: int) -> frozenset:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return frozenset(out)


def scene_closure(module: str) -> list:
    """Every file of ``scenes`` that ``module`` needs, itself included, sorted."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        path = module_file(name)
        if path is None or path in seen:
            continue
        seen.add(path)
        parts = name.split(".")
        todo += [".".join(parts[:k]) for k in range(1, len(parts))]     # the packages on the way
        todo += [m for m in imports_of(path) if m.split(".")[0] == "scenes"]
    return sorted(seen)


@functools.cache
def _file_digest(path: Path, mtime: float, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest(path: Path) -> str:
    st = path.stat()
    return _file_digest(path, st.st_mtime, st.st_size)


def code_hash(ch) -> str:
    """sha256 of everything chapter ``ch``'s frames are drawn by (not the pipeline itself)."""
    from scenes.story import chapters
    files = [*scene_closure(ch.module), ch.script_file, *(ROOT / f for f in SHARED_FILES),
             *sorted((ROOT / "ntkcore").rglob("*.py"))]
    h = hashlib.sha256()
    for path in dict.fromkeys(files):
        h.update(str(Path(path).relative_to(ROOT)).encode())
        h.update(digest(Path(path)).encode())
    story = [(c.name, c.title, c.roadmap) for c in chapters()]     # titles and roadmap lines are drawn
    h.update(json.dumps(story, ensure_ascii=False).encode())
    return h.hexdigest()
