"""The script files (scenes/script.py) and what is derived from the chapters' declarations
(scenes/story.py): fast tests, no chapter is built here.

* placeholders are plain names, filled once, refused when missing; variants keep what they do not
  replace;
* a translation replaces what it has, keeps the English for what it lacks (and says which), and is
  refused when it names an entry, variant, label or placeholder the chapter does not have;
* the export of every chapter's words reads back to exactly those words (the round trip);
* the chapter list, its numbers, the roadmap and the render schedule come from the declarations;
* the subtitle track is tagged with the script's language.
"""

import tomllib

import pytest

from scenes import script as sc
from scenes import story


def chapter_script(text: str, source="test.toml"):
    return sc.parse(tomllib.loads(text), source)


BASE = """
[chapter]
title = "A title"
roadmap = "A line."

[steps.title]
bridge = "Why."
spoken = "Why, said."

[steps.obs]
caption = "We observe y = {y} at x = {x}."
spoken = "At x = {x}, y = {y}."

[steps.obs.far]
caption = "Far: y = {y}."

[labels]
zoom = "zoom ×{m}"
"""


def test_placeholders_are_plain_names():
    assert sc.placeholders("f({x}) = {f}, {{not one}}") == {"x", "f"}
    for bad in ("{x.real}", "{x[0]}", "{x!r}", "{x:.2f}", "{0}", "{", "}x{"):
        with pytest.raises(sc.ScriptError):
            sc.placeholders(bad, "here")


def test_fill_refuses_a_missing_value_and_naming_it():
    assert sc.fill("f({x}) = {f}", {"x": "10", "f": "31"}, "w") == "f(10) = 31"
    with pytest.raises(sc.ScriptError, match=r"no value for \{f\}"):
        sc.fill("f({x}) = {f}", {"x": "10"}, "w")


def test_a_variant_replaces_only_what_it_names():
    s = chapter_script(BASE)
    e = s.entry("obs")
    assert e.text("caption", "far") == "Far: y = {y}."
    assert e.text("spoken", "far") == "At x = {x}, y = {y}."      # kept from the entry
    assert e.names("far") == {"x", "y"} and e.all_names() == {"x", "y"}
    with pytest.raises(sc.ScriptError, match="no variant 'near'"):
        e.text("caption", "near")
    with pytest.raises(sc.ScriptError, match=r"no entry \[steps.nope\]"):
        s.entry("nope")
    assert s.label("zoom", m="3.4") == "zoom ×3.4"


@pytest.mark.parametrize("text, message", [
    ('[steps.a]\ncaption = 3', "an entry holds texts"),
    ('[steps.a]\nwords = "x"', "an entry holds texts"),
    ('[steps.a.v]\nwords = "x"', "a variant holds texts"),
    ('[labels]\nz = 1', "must be a text"),
    ('[steps.a]\ncaption = "{x:.2f}"', "not a placeholder"),
])
def test_a_malformed_script_is_refused_naming_the_entry(text, message):
    with pytest.raises(sc.ScriptError, match=message):
        chapter_script(text)


def test_a_translation_replaces_what_it_has_and_keeps_the_rest():
    base = chapter_script(BASE)
    tr = tomllib.loads('[chapter]\ntitle = "Ein Titel"\n[steps.obs]\ncaption = "Wir sehen y = {y} bei x = {x}."\n')
    merged = sc.overlay(base, tr, "de.toml")
    assert merged.chapter["title"] == "Ein Titel" and merged.chapter["roadmap"] == "A line."
    assert merged.entry("obs").text("caption") == "Wir sehen y = {y} bei x = {x}."
    assert merged.entry("obs").text("spoken") == "At x = {x}, y = {y}."       # English kept …
    assert set(merged.fallbacks) == {"title", "obs", "labels.zoom"}          # … and said


@pytest.mark.parametrize("tr, message", [
    ('[steps.other]\ncaption = "x"', "not a step of this chapter"),
    ('[steps.obs.near]\ncaption = "x"', "not a variant"),
    ('[steps.obs]\ncaption = "{z}"', r"uses \{z\}, which the chapter does not fill"),
    ('[labels]\nzoom = "{q}"', r"uses \{q\}"),
    ('[labels]\nother = "x"', "not a label"),
])
def test_a_translation_that_does_not_fit_is_refused(tr, message):
    with pytest.raises(sc.ScriptError, match=message):
        sc.overlay(chapter_script(BASE), tomllib.loads(tr), "de.toml")


def test_language_tags():
    assert sc.language_tag("de") == "deu" and sc.language_tag("en") == "eng" and sc.language_tag("qps") == "qps"
    with pytest.raises(sc.ScriptError):
        sc.language_tag("german")


def test_the_export_of_every_chapter_reads_back_to_the_same_words(tmp_path):
    from pipeline.narration.script import export_script

    path = tmp_path / "script.toml"
    path.write_text(export_script(story.chapters()), encoding="utf-8")
    tr = sc.load_translation(path)
    assert tr.language == "en" and tr.labels == sc.shared_labels()
    for ch in story.chapters():
        own = sc.load_chapter_script(ch.script_file)
        back = sc.overlay(own, tr.chapters[ch.name], str(path))
        assert back.fallbacks == ()
        assert back.entries == own.entries and back.labels == own.labels, ch.name
        assert {k: back.chapter[k] for k in sc.CHAPTER_TEXTS if k in own.chapter} == \
               {k: own.chapter[k] for k in sc.CHAPTER_TEXTS if k in own.chapter}


def test_the_toml_writer_round_trips_awkward_texts():
    data = {"language": "de", "x": {"steps": {"a": {"caption": 'Zwei "Zeilen",\nmit \\ und """ drin"',
                                                    "v": {"spoken": "ä ö ü ß — θ₁ → ∞"}}}}}
    assert tomllib.loads(sc.dump_toml(data)) == data


# --------------------------------------------------------------------------- derived from declarations


def test_the_chapter_list_is_the_story_with_one_number_each():
    names = tomllib.loads(story.STORY_FILE.read_text(encoding="utf-8"))["chapters"]
    chs = story.chapters()
    assert [c.name for c in chs] == names
    assert [c.number for c in chs] == list(range(len(names)))
    for c in chs:
        assert c.script_file.is_file() and (story.ROOT / c.file).is_file()
        assert c.cost > 0 and c.title


def test_the_roadmap_is_every_declared_line_in_story_order():
    rows = story.roadmap()
    declared = [(c.number, c.roadmap) for c in story.chapters() if c.roadmap]
    assert rows == declared and len(rows) >= 8
    assert [n for n, _ in rows] == sorted(n for n, _ in rows)


def test_the_schedule_is_the_declared_costs():
    from pipeline.render import Options
    chs = Options().chapters
    assert [c.name for c in sorted(chs, key=lambda c: -c.cost)][0] == max(chs, key=lambda c: c.cost).name
    # no hand-kept timing table is left
    import pipeline.render
    assert not hasattr(pipeline.render, "EXPECTED_SECONDS")


def test_the_list_prints_the_story_numbers(capsys):
    from pipeline.cli import main
    assert main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[:2] for ln in lines] == [[str(c.number), c.name] for c in story.chapters()]


def test_the_subtitle_track_is_tagged_with_the_language(tmp_path):
    import av

    from media_helpers import make_video
    from pipeline.stitch import stitch

    clips = [make_video(tmp_path / f"c{k}.mp4", frames=15) for k in range(2)]
    for lang in ("eng", "deu"):
        out = tmp_path / f"joined-{lang}.mp4"
        stitch(clips, out, titles=["A", "B"], cues=[(0.1, 0.9, "eins"), (1.1, 1.9, "zwei")], language=lang)
        with av.open(str(out)) as c:
            assert c.streams.subtitles[0].metadata.get("language") == lang
