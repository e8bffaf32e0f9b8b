"""The layering the project relies on: imports point one way (pipeline → scenes → ntkcore), chapters
never import each other, the chapter table names real scenes, and every chapter declares exactly
the settings sections and data it reads (the chapter cache keys a chapter by what it declares)."""

import ast
import importlib
from pathlib import Path

import pytest

from pipeline.chapters import CHAPTERS
from scene_helpers import assert_reads_declared

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ntkcore", "scenes", "pipeline")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(path: Path) -> set:
    """Every module an ``import`` or ``from … import`` anywhere in the file names (relative
    imports resolved; ``from pkg import mod`` counts as ``pkg.mod`` too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
    return out


def modules(package: str) -> list:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def top(name: str) -> str:
    return name.split(".")[0]


def test_the_import_parser_sees_relative_nested_and_from_imports():
    pkg = ROOT / "ntkcore" / "settings.py"
    seen = imports_of(pkg)
    assert {"ntkcore.examples", "ntkcore.validation", "ntkcore.wide", "tomllib"} <= seen
    assert "scenes.theme" in imports_of(ROOT / "pipeline" / "settings_file.py")   # inside a function


@pytest.mark.parametrize("package, forbidden", [
    ("ntkcore", {"scenes", "pipeline", "manim", "manim_slides"}),
    ("scenes", {"pipeline"}),
])
def test_imports_point_one_way(package, forbidden):
    bad = {f"{p.relative_to(ROOT)}: {m}" for p in modules(package) for m in imports_of(p) if top(m) in forbidden}
    assert not bad, sorted(bad)


def chapter_files() -> list:
    return sorted([*(p for p in (ROOT / "scenes" / "chapters").glob("*.py") if p.name != "__init__.py"),
                   ROOT / "scenes" / "your_model.py"])


def test_no_chapter_imports_another_chapter():
    chapters = {module_name(p) for p in chapter_files()}
    assert {"scenes.chapters.lookup_table", "scenes.your_model"} <= chapters
    bad = {f"{p.relative_to(ROOT)}: {m}" for p in chapter_files() for m in imports_of(p)
           if any(m == c or m.startswith(c + ".") for c in chapters - {module_name(p)})}
    assert not bad, sorted(bad)


def test_the_chapter_table_names_real_scenes():
    assert len({c.name for c in CHAPTERS}) == len(CHAPTERS)
    for ch in CHAPTERS:
        assert (ROOT / ch.file).is_file(), ch.file
        assert ch.module == module_name(ROOT / ch.file) and ch.stem == Path(ch.file).stem
        assert hasattr(importlib.import_module(ch.module), ch.scene), (ch.file, ch.scene)
    from ntkcore.settings import DEFAULTS
    from ntkcore.experiments import EXPERIMENTS
    for ch in CHAPTERS:
        assert set(ch.examples) <= set(DEFAULTS.examples) and set(ch.data) <= set(EXPERIMENTS), ch.name


@pytest.mark.parametrize("name", [c.name for c in CHAPTERS])   # ids are chapter names (conftest)
def test_each_chapter_declares_exactly_what_it_reads(chapter_scene, name):
    """Chapter.examples equals the examples the chapter reads in a dry-run build (as ExampleScene
    records them and as the settings saw them), and Chapter.data the experiments it loads."""
    assert_reads_declared(name, chapter_scene(name))
