"""TEMPORARY (issue 18 conversion): the chapter's texts equal /tmp/baseline_steps/NAME.json.
Run:  pytest -n0 -q tests/baseline_compare.py -k NAME"""
import json
from pathlib import Path

import pytest

from pipeline.chapters import CHAPTERS


@pytest.mark.parametrize("name", [c.name for c in CHAPTERS])
def test_same_words_as_before(chapter_scene, name):
    old = json.loads(Path(f"/tmp/baseline_steps/{name}.json").read_text())
    new = [{"caption": s.caption, "narration": s.narration} for s in chapter_scene(name).steps]
    assert len(new) == len(old), f"{len(new)} steps now, {len(old)} before"
    diffs = [f"step {i} ({s.id}):\n  old {o}\n  new {n}" for i, (o, n, s) in
             enumerate(zip(old, new, chapter_scene(name).steps)) if o != n]
    assert not diffs, "\n".join(diffs)
