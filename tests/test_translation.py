"""Chapters built from another script (scenes/script.py): the words change, nothing else does.

* the exported script, unchanged, builds every step with the same captions, narration and cues;
* a pseudo-translation (every text 30 % longer, accented letters) still lays out: nothing leaves
  the frame, no two texts overlap, every caption stays long enough to read;
* inserting a step in the middle of a chapter leaves every other step's id, recording and
  synthesis-cache entry as they were.
"""

import importlib
import math
import re
import sys

import pytest

from layout_checks import layout_problems
from pipeline.chapters import CHAPTERS, by_name
from scene_helpers import build_chapter
from scenes.base import reading_seconds

PLACEHOLDER = re.compile(r"(\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\})")
ACCENTS = str.maketrans("aeiouyAEIOUcnsz", "áéíöûÿÁÉÍÖÛçñšž")


def pseudo(text: str) -> str:
    """``text`` pseudo-translated: letters accented, every word 30 % longer (rounded up), line
    breaks and placeholders kept."""
    def word(m):
        w = m.group(0)
        extra = math.ceil(0.3 * len(w))
        return (w + (w * 2)[:extra].lower()).translate(ACCENTS)

    parts = PLACEHOLDER.split(text)
    return "".join(p if PLACEHOLDER.fullmatch(p) else re.sub(r"[A-Za-z]+", word, p) for p in parts)


def pseudo_tables(tables: dict) -> dict:
    return {k: pseudo_tables(v) if isinstance(v, dict) else (pseudo(v) if isinstance(v, str) else v)
            for k, v in tables.items()}


@pytest.fixture(scope="session")
def scripts(tmp_path_factory):
    """The exported script of every chapter (``same``) and its pseudo-translation (``pseudo``)."""
    import tomllib

    from pipeline.narration.script import export_script
    from scenes.script import dump_toml

    folder = tmp_path_factory.mktemp("scripts")
    same = folder / "same.toml"
    same.write_text(export_script(CHAPTERS), encoding="utf-8")
    data = tomllib.loads(same.read_text(encoding="utf-8"))
    fake = {"language": "qps", **{k: pseudo_tables(v) for k, v in data.items() if k != "language"}}
    other = folder / "pseudo.toml"
    other.write_text(dump_toml(fake), encoding="utf-8")
    return {"same": same, "pseudo": other}


def build_with(name, wide_data, script_path, tmp_path):
    from scenes.runtime import Runtime
    ch = by_name()[name]
    rt = Runtime(settings_file=str(wide_data.settings_file),
                 data={n: str(wide_data.file(n)) for n in ch.data}, save_slides=False, script=str(script_path))
    return build_chapter(name, rt.write(tmp_path / f"runtime-{name}.json"), full_path=False)


def test_pseudo_translation_is_longer_accented_and_keeps_placeholders():
    t = pseudo("Magnified ×{zoom}: {theta} moves by {lr}·2 = {step}.\nNext line")
    assert "{zoom}" in t and "{theta}" in t and "{step}" in t and t.count("\n") == 1
    assert t.startswith("Mágñífíédmág ×")                       # 9 letters + ⌈2.7⌉, accented
    words = re.findall(r"[^\W\d_]+", t.replace("{zoom}", "").replace("{theta}", "").replace("{lr}", "")
                       .replace("{step}", ""))
    assert [len(w) for w in words] == [math.ceil(1.3 * n) for n in (9, 5, 2, 4, 4)]


@pytest.mark.parametrize("name", ["lookup_table", "rbf", "nngp_vs_ntk"])
def test_the_exported_script_builds_the_same_words(chapter_scene, wide_data, scripts, tmp_path, name):
    before = chapter_scene(name)
    after = build_with(name, wide_data, scripts["same"], tmp_path)
    assert [(s.id, s.caption, s.narration) for s in after.steps] == \
           [(s.id, s.caption, s.narration) for s in before.steps]
    assert after.subtitle_cues == before.subtitle_cues


@pytest.mark.parametrize("name", [c.name for c in CHAPTERS])
def test_a_longer_translation_still_fits(wide_data, scripts, tmp_path, name):
    scene = build_with(name, wide_data, scripts["pseudo"], tmp_path)
    assert any("á" in s.caption or "é" in s.caption for s in scene.steps)
    problems = layout_problems(scene)
    assert not problems, f"{name}: {len(problems)} layout problems, e.g.\n  " + "\n  ".join(problems[:10])
    for start, end, text in scene.subtitle_cues:
        assert end - start >= reading_seconds(text) - 1e-6, text


def test_inserting_a_step_leaves_the_other_ids_recordings_and_cache(chapter_scene, tmp_path):
    """lookup_table with one more step before its observation: a copy of the chapter's script with
    an entry added, and a subclass that says it just before the observation's step."""
    from pipeline.narration import recordings, voice
    from media_helpers import make_wav

    name = "lookup_table"
    before = chapter_scene(name)
    ch = by_name()[name]
    text = ch.script_file.read_text(encoding="utf-8")
    text = text.replace("[steps.observation]", '[steps.inserted]\ncaption = "A new step."\n'
                                                'spoken = "A new step, said."\n\n[steps.observation]')
    (tmp_path / "inserted_chapter.toml").write_text(text, encoding="utf-8")
    (tmp_path / "inserted_chapter.py").write_text(
        f"from {ch.module} import {ch.scene} as Base\n\n\n"
        f"class {ch.scene}(Base):\n"
        "    def step(self, key, *args, **kwargs):\n"
        "        if key == 'observation':\n"
        "            self.say('inserted')\n"
        "        return super().step(key, *args, **kwargs)\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        from scene_helpers import construct, recording
        module = importlib.import_module("inserted_chapter")
        after = construct(recording(getattr(module, ch.scene)))
    finally:
        sys.path.remove(str(tmp_path))
    old = {s.id: s for s in before.steps}
    new = {s.id: s for s in after.steps}
    assert set(new) == set(old) | {f"{name}.inserted"}
    ids = list(new)
    assert ids.index(f"{name}.inserted") == ids.index(f"{name}.observation") - 1   # where it was put
    assert [k for k in new if k in old] == list(old)                    # the others in the same order
    assert all((new[i].caption, new[i].narration) == (old[i].caption, old[i].narration) for i in old)
    # a lecturer's recordings land on the same steps, and the voice cache keys on the same lines
    voice_dir = tmp_path / "voice"
    for sid in old:
        make_wav(voice_dir / f"{sid}.wav", seconds=0.3)
    got_old, _ = recordings.load_voice_dir(voice_dir, set(old), cache_dir=tmp_path / "conv")
    got_new, missing = recordings.load_voice_dir(voice_dir, set(new), cache_dir=tmp_path / "conv")
    assert got_new == got_old and missing == [f"{name}.inserted"]
    assert [voice.cache_key(new[i].narration, "v") for i in old] == [voice.cache_key(old[i].narration, "v") for i in old]


#: The lecture cut's chapters the shipped German translation must cover (any other chapter may be
#: missing from it, and then stays English).
GERMAN_CHAPTERS = ("opening", "lookup_table", "linear", "ntk_definition", "reparametrized", "rbf", "training",
                   "wide_init", "wide_training", "kernel_gd", "nngp_vs_ntk", "closing")


def test_the_shipped_german_translation_loads_and_keeps_every_placeholder():
    """scenes/translations/de.toml (./render.sh --cut lecture --script de): it loads as --script de
    finds it, its subtitle track is tagged deu, it has the lecture-cut chapters above, every
    chapter it has is translated whole (no entry, variant, field or label left English), and
    every text has exactly the placeholders of its English original."""
    import argparse

    from pipeline.chapters import cuts
    from pipeline.cli import TRANSLATIONS, resolve_script
    from scenes.script import (FIELDS, language_tag, load_chapter_script, load_translation, overlay, parse,
                               placeholders, shared_labels)
    from scenes.story import ROOT

    path, language = resolve_script(argparse.ArgumentParser(), "de")
    assert path == str((ROOT / TRANSLATIONS / "de.toml").resolve()) and language == "de"
    tr = load_translation(path)
    assert language_tag(tr.language) == "deu"
    names = by_name()
    assert set(tr.chapters) <= set(names), set(tr.chapters) - set(names)
    lecture = cuts()["lecture"].chapters
    assert set(GERMAN_CHAPTERS) <= set(tr.chapters) & set(lecture)

    for name in [n for n in names if n in tr.chapters]:
        tables = tr.chapters[name]
        english = load_chapter_script(names[name].script_file)
        merged = overlay(english, tables, f"{path} [{name}]")
        assert merged.fallbacks == (), f"{name}: English kept for {', '.join(merged.fallbacks)}"
        german = parse(tables, f"{path} [{name}]")
        for key, entry in english.entries.items():
            for variant in [None, *entry.variants]:
                for f in FIELDS:
                    en, de = entry.text(f, variant), german.entries[key].text(f, variant)
                    if en is None:
                        continue
                    assert de is not None and de != "", (name, key, variant, f)
                    assert placeholders(de) == placeholders(en), (name, key, variant, f, de)
        for key, text in english.labels.items():
            assert placeholders(german.labels[key]) == placeholders(text), (name, key)
        for key in ("title", "roadmap"):
            if key in english.chapter:
                assert tables.get("chapter", {}).get(key), f"{name}: no German [chapter] {key}"
    shared = shared_labels()
    assert set(tr.labels) == set(shared)
    assert all(placeholders(tr.labels[k]) == placeholders(v) for k, v in shared.items())
