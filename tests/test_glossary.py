"""One symbol, one meaning (scenes/glossary.py), in every edition: every symbol a caption or a
formula shows is in the glossary, is introduced by the step the glossary names — which says what
it means — and is never shown before that step, in the full edition and in every cut."""

import re

import pytest

from pipeline.chapters import CHAPTERS, by_name, cuts
from scenes.glossary import GLOSSARY, GREEK_TEX

NAMES = [c.name for c in CHAPTERS]
ORDER = {c.name: c.number for c in CHAPTERS}
GREEK = re.compile(r"[\u0370-\u03FF\u1F00-\u1FFF]")
KNOWN_GREEK = set("".join(GREEK.findall("".join(s.name for s in GLOSSARY)))) | {"π"}
KNOWN_TEX = {"pi", "infty"}


def editions():
    """``(name, chapter names, skipped step ids)`` of the full edition and every cut."""
    yield "full", NAMES, frozenset()
    for cut in cuts().values():
        yield cut.name, list(cut.chapters), cut.skip


def shown(scene, skip):
    """``[(step, caption, [TeX strings on screen])]`` for the steps an edition shows."""
    tex = {sid: [r.words for r in ink if r.kind == "tex"] for sid, ink in scene.ink}
    return [(s, s.caption, tex.get(s.id, [])) for s in scene.steps if s.id not in skip]


def uses(symbol, caption, formulas) -> bool:
    return bool((symbol.text and re.search(symbol.text, caption))
                or (symbol.tex and any(re.search(symbol.tex, f) for f in formulas)))


@pytest.mark.parametrize("name", NAMES)
def test_every_symbol_is_introduced_before_it_is_used(chapter_scene, name):
    scene = chapter_scene(name)
    problems = []
    for edition, chapters, skip in editions():
        if name not in chapters:
            continue
        steps = shown(scene, skip)
        position = {s.id: k for k, (s, _, _) in enumerate(steps)}
        for symbol in GLOSSARY:
            if not symbol.defined_at:
                continue
            homes = [d for d in symbol.defined_at.split() if d.partition(".")[0] in chapters and d not in skip]
            for k, (step, caption, formulas) in enumerate(steps):
                if not uses(symbol, caption, formulas):
                    continue
                if not homes:
                    problems.append(f"[{edition}] {step.id} shows {symbol.name}, introduced at "
                                    f"{symbol.defined_at}, which this edition leaves out")
                    break
                first = min(homes, key=lambda d: ORDER[d.partition(".")[0]])
                home = first.partition(".")[0]
                if ORDER[home] > ORDER[name] or (home == name and position.get(first, 1e9) > k):
                    problems.append(f"[{edition}] {step.id} shows {symbol.name} before {first} "
                                    f"introduces it ({caption[:60]!r})")
                break
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_the_introducing_steps_say_what_the_symbols_mean(chapter_scene, name):
    scene = chapter_scene(name)
    steps = {s.id: s for s in scene.steps}
    for symbol in GLOSSARY:
        for home in symbol.defined_at.split():
            if home.partition(".")[0] != name:
                continue
            assert home in steps, f"{symbol.name}: no step {home}"
            step = steps[home]
            assert re.search(symbol.says, step.caption + " " + step.narration, re.IGNORECASE), \
                f"{home} introduces {symbol.name} without saying /{symbol.says}/"
            assert uses(symbol, step.caption, [r.words for sid, ink in scene.ink if sid == step.id
                                               for r in ink if r.kind == "tex"]), \
                f"{home} is meant to introduce {symbol.name} but does not show it"


@pytest.mark.parametrize("name", NAMES)
def test_no_symbol_outside_the_glossary(chapter_scene, name):
    scene = chapter_scene(name)
    problems = set()
    for step, caption, formulas in shown(scene, frozenset()):
        for ch in set(GREEK.findall(caption)) - KNOWN_GREEK:
            problems.add(f"{step.id}: caption shows {ch!r}, not in scenes/glossary.py")
        for f in formulas:
            for cmd in re.findall(r"\\([A-Za-z]+)", f):
                if cmd in GREEK_TEX and cmd not in KNOWN_TEX and not any(
                        "\\\\" + cmd in s.tex for s in GLOSSARY if s.tex):
                    problems.add(f"{step.id}: formula shows \\{cmd}, not in scenes/glossary.py")
    assert not problems, "\n".join(sorted(problems))


def test_the_glossary_introduces_each_symbol_in_a_chapter_that_exists():
    for symbol in GLOSSARY:
        for home in symbol.defined_at.split():
            assert home.partition(".")[0] in by_name(), symbol
        for pattern in (symbol.text, symbol.tex, symbol.says):
            re.compile(pattern)
    assert len({s.name for s in GLOSSARY}) == len(GLOSSARY)
