"""Every chapter's words come from its script file, written once (scenes/script.py):

* each step's texts are filled from the values the chapter passed, and every value is used by the
  entry (a placeholder that is missing or unused fails here, with the chapter's own numbers);
* every entry has a spoken line, the steps appear in the order the file lists them, and every entry
  of the file is shown by the chapter (variants excepted: other settings choose them);
* step ids are the chapter's name and the entry's key: unique, and independent of position.
"""

import pytest

from pipeline.chapters import CHAPTERS
from scenes.script import placeholders

NAMES = [c.name for c in CHAPTERS]


@pytest.mark.parametrize("name", NAMES)
def test_every_step_is_filled_from_its_values_and_uses_them_all(chapter_scene, name):
    scene = chapter_scene(name)
    problems = []
    for step in scene.steps:
        entry = scene.script.entry(step.key)
        needed = entry.names(step.variant)
        given = set(step.values)
        if needed - given:
            problems.append(f"{step.id}: no value for {sorted(needed - given)}")
        if given - entry.all_names():
            problems.append(f"{step.id}: values never used by the entry: {sorted(given - entry.all_names())}")
        for text in (step.caption, step.narration):
            assert "{" not in text.replace("{{", "") or not placeholders(text), f"{step.id}: unfilled {text!r}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_every_variant_could_be_filled_from_the_same_values(chapter_scene, name):
    """Other settings choose other variants: each must be fillable from what the step passes (a
    misspelt placeholder in a variant fails here, not under a lecturer's settings)."""
    scene = chapter_scene(name)
    problems = []
    for step in scene.steps:
        entry = scene.script.entry(step.key)
        for variant in [None, *entry.variants]:
            missing = entry.names(variant) - set(step.values)
            if missing:
                problems.append(f"{step.id} [{variant or 'entry'}]: no value for {sorted(missing)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_is_spoken_shown_and_in_order(chapter_scene, name):
    scene = chapter_scene(name)
    entries = list(scene.script.entries)
    shown = list(dict.fromkeys(s.key for s in scene.steps))
    assert shown == [k for k in entries if k in shown], f"{name}: the file lists {entries}, the chapter shows {shown}"
    assert set(entries) == set(shown), f"{name}: entries never shown: {sorted(set(entries) - set(shown))}"
    unspoken = [s.id for s in scene.steps if not s.spoken]
    assert not unspoken, f"steps without a spoken line: {unspoken}"


@pytest.mark.parametrize("name", NAMES)
def test_step_ids_are_named_and_unique(chapter_scene, name):
    ids = [s.id for s in chapter_scene(name).steps]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(f"{name}.") for i in ids), ids
