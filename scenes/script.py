"""The words of a chapter, written once: its script file.

Every chapter ``scenes/chapters/NAME.py`` has its words in ``scenes/chapters/NAME.toml`` beside it::

    [chapter]                       # the chapter's facts (scenes.story reads them)
    title = "Example 1 — a lookup table"
    ...

    [steps.observation]             # one entry per caption step; its id is "lookup_table.observation"
    caption = "We observe y = {y} at x = {x}, but f({x}) = {f}."     # on screen, in the subtitles
    spoken = "Now one data point arrives: ..."                      # the narration, the slides' notes

    [steps.observation.far]         # a variant: other words for what other settings make true
    caption = "..."

    [steps.why_flat]
    lesson = true                   # the chapter's lesson: held longer, with a breath after it
    caption = "..."

    [labels]                        # words drawn on the figures
    zoom = "zoom ×{m}"

A ``{name}`` is a placeholder, filled from the chapter's numbers (formatted once, by the chapter);
``{{`` and ``}}`` are literal braces.  A variant replaces the fields it names and keeps the others.
The title card's entry (``[steps.title]``) has a ``bridge`` (why this chapter follows the last)
instead of a caption.

A translation (``--script FILE``) is one TOML file with the same tables for every chapter it
translates, under the chapter's name (``[lookup_table.steps.observation]``), plus ``language`` and
shared ``[labels]``; what it lacks stays English (:func:`overlay` reports which).
``./render.sh script`` exports exactly this format, so export → edit → ``--script`` round-trips.

Standard library only: the pipeline checks a script before anything is installed.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

FIELDS = ("caption", "spoken", "bridge")     # the texts an entry may have
CHAPTER_TEXTS = ("title", "roadmap")         # the chapter's words (its other facts are not words)
SHARED_LABELS = Path(__file__).with_name("labels.toml")


class ScriptError(ValueError):
    """A script that cannot be used: the message names the file, the entry and what is wrong."""


def placeholders(text: str, where: str = "") -> set[str]:
    """The placeholder names in ``text``: ``"f({x}) = {f}"`` → ``{"x", "f"}``.  Only plain names
    are allowed (no attributes, indexes, conversions or format specs)."""
    names = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as e:
        raise ScriptError(f"{where}: {e} (write {{{{ and }}}} for literal braces)") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ScriptError(f"{where}: {{{name}{'!' + conversion if conversion else ''}"
                              f"{':' + spec if spec else ''}}} is not a placeholder; write a plain name, "
                              "like {x}")
        names.add(name)
    return names


@dataclass(frozen=True)
class Entry:
    """One step's words: ``texts`` (caption / spoken / bridge) and named ``variants`` of them."""

    key: str
    texts: dict
    variants: dict = field(default_factory=dict)   # name -> {field: text}
    lesson: bool = False      # the chapter's lesson: held longer, a breath after it (scenes.base)

    def text(self, name: str, variant: str | None = None) -> str | None:
        """The text of field ``name`` in ``variant`` (the variant's own, else the entry's)."""
        if variant is not None:
            if variant not in self.variants:
                raise ScriptError(f"step {self.key!r} has no variant {variant!r} "
                                  f"(it has: {', '.join(self.variants) or 'none'})")
            own = self.variants[variant].get(name)
            if own is not None:
                return own
        return self.texts.get(name)

    def names(self, variant: str | None = None) -> set[str]:
        """The placeholders of every text of ``variant``."""
        out = set()
        for f in FIELDS:
            t = self.text(f, variant)
            if t is not None:
                out |= placeholders(t, f"step {self.key!r}")
        return out

    def all_names(self) -> set[str]:
        """The placeholders of the entry and of all its variants."""
        return self.names().union(*(self.names(v) for v in self.variants))


def fill(text: str, values: dict, where: str) -> str:
    """``text`` with its placeholders replaced by ``values`` (every one must be given)."""
    missing = placeholders(text, where) - values.keys()
    if missing:
        raise ScriptError(f"{where}: no value for {', '.join('{' + m + '}' for m in sorted(missing))}")
    return text.format_map({k: str(v) for k, v in values.items()})


@dataclass(frozen=True)
class ChapterScript:
    """A chapter's words: its facts table, its step entries in file order, its labels."""

    source: str
    chapter: dict
    entries: dict          # key -> Entry, in the order the file lists them
    labels: dict
    fallbacks: tuple = ()  # entries a translation lacked (English kept)

    def entry(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            raise ScriptError(f"{self.source}: no entry [steps.{key}] (the chapter shows a step {key!r}; "
                              "add it to the script)") from None

    def label(self, key: str, **values) -> str:
        if key not in self.labels:
            raise ScriptError(f"{self.source}: no label {key!r} in [labels]")
        return fill(self.labels[key], values, f"{self.source}: label {key!r}")


def _entry(key: str, table: dict, where: str) -> Entry:
    if not isinstance(table, dict):
        raise ScriptError(f"{where}: [steps.{key}] must be a table with caption/spoken texts")
    texts, variants, lesson = {}, {}, False
    for k, v in table.items():
        if k == "lesson":
            if not isinstance(v, bool):
                raise ScriptError(f"{where}: [steps.{key}] lesson must be true or false")
            lesson = v
            continue
        if isinstance(v, dict):
            bad = [f for f in v if f not in FIELDS or not isinstance(v[f], str)]
            if bad:
                raise ScriptError(f"{where}: [steps.{key}.{k}] has {bad[0]!r}; a variant holds "
                                  f"texts: {', '.join(FIELDS)}")
            variants[k] = dict(v)
        elif k in FIELDS and isinstance(v, str):
            texts[k] = v
        else:
            raise ScriptError(f"{where}: [steps.{key}] has {k!r}; an entry holds texts ({', '.join(FIELDS)}) "
                              "and variant tables")
    entry = Entry(key, texts, variants, lesson)
    entry.all_names()    # placeholders well formed
    return entry


def parse(data: dict, source: str) -> ChapterScript:
    """A chapter script from its parsed TOML (``chapter``, ``steps``, ``labels`` tables)."""
    steps = data.get("steps", {})
    labels = data.get("labels", {})
    if not isinstance(steps, dict) or not isinstance(labels, dict):
        raise ScriptError(f"{source}: [steps] and [labels] must be tables")
    for k, v in labels.items():
        if not isinstance(v, str):
            raise ScriptError(f"{source}: label {k!r} must be a text")
        placeholders(v, f"{source}: label {k!r}")
    return ChapterScript(source, dict(data.get("chapter", {})),
                         {k: _entry(k, v, source) for k, v in steps.items()}, dict(labels))


def read_toml(path: Path) -> dict:
    """A TOML file, with a clear error naming it."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise ScriptError(f"{path}: cannot read the script ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise ScriptError(f"{path}: not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScriptError(f"{path}: not valid TOML ({e})") from None
    except RecursionError:
        raise ScriptError(f"{path}: nests tables or lists too deeply for a script") from None


def load_chapter_script(path: Path, section: str | None = None) -> ChapterScript:
    """The script file of a chapter (``section``: the table of one scene in a file of several)."""
    data = read_toml(path)
    if section is not None:
        data = data.get(section, {})
    return parse(data, str(path) + (f" [{section}]" if section else ""))


def shared_labels() -> dict:
    """The labels every chapter may use (widgets: legends, keys): ``scenes/labels.toml``."""
    return dict(read_toml(SHARED_LABELS).get("labels", {}))


# --------------------------------------------------------------------------- translations


@dataclass(frozen=True)
class Translation:
    """A script file for many chapters: ``language`` and each chapter's tables by its name."""

    source: str
    language: str
    chapters: dict        # chapter name -> parsed tables
    labels: dict          # shared labels


LANGUAGE_TAGS = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por", "nl": "nld",
                 "pl": "pol", "sv": "swe", "da": "dan", "fi": "fin", "cs": "ces", "tr": "tur", "ru": "rus",
                 "uk": "ukr", "el": "ell", "hu": "hun", "ro": "ron", "ja": "jpn", "zh": "zho", "ko": "kor"}


def language_tag(language: str) -> str:
    """The three-letter ISO 639-2 code of a language (what an MP4's subtitle track is tagged with):
    ``"de"`` → ``"deu"``; a three-letter code is taken as it is."""
    lang = language.strip().lower()
    if len(lang) == 3 and lang.isalpha():
        return lang
    if lang in LANGUAGE_TAGS:
        return LANGUAGE_TAGS[lang]
    raise ScriptError(f"language {language!r}: give a two-letter ISO 639-1 code ({', '.join(LANGUAGE_TAGS)}) "
                      "or a three-letter ISO 639-2 code")


def load_translation(path: Path) -> Translation:
    data = read_toml(path)
    language = data.get("language", "en")
    if not isinstance(language, str):
        raise ScriptError(f"{path}: language must be a text like \"de\"")
    language_tag(language)
    labels = data.get("labels", {})
    chapters = {k: v for k, v in data.items() if k not in ("language", "labels")}
    for name, tables in chapters.items():
        if not isinstance(tables, dict):
            raise ScriptError(f"{path}: {name!r} must be a chapter's tables ([{name}.steps.KEY])")
        parse(tables, f"{path} [{name}]")     # well formed
    parse({"labels": labels}, str(path))
    return Translation(str(path), language, chapters, dict(labels))


def overlay(base: ChapterScript, tables: dict | None, source: str) -> ChapterScript:
    """``base`` with a translation's ``tables`` for this chapter laid over it.  An entry or field the
    translation lacks keeps the English (listed in ``fallbacks``); a translated text may use only
    placeholders that its English entry has (else: :class:`ScriptError`)."""
    tables = tables or {}
    tr = parse(tables, source)
    unknown = [k for k in tr.entries if k not in base.entries]
    if unknown:
        raise ScriptError(f"{source}: [steps.{unknown[0]}] is not a step of this chapter "
                          f"(its steps: {', '.join(base.entries)})")
    entries, fallbacks = {}, []
    for key, entry in base.entries.items():
        t = tr.entries.get(key)
        if t is None:
            fallbacks.append(key)
            entries[key] = entry
            continue
        extra = [v for v in t.variants if v not in entry.variants]
        if extra:
            raise ScriptError(f"{source}: [steps.{key}.{extra[0]}] is not a variant of that step")
        texts = {**entry.texts, **t.texts}
        variants = {v: {**entry.variants[v], **t.variants.get(v, {})} for v in entry.variants}
        merged = Entry(key, texts, variants, entry.lesson)     # a translation changes words, not pacing
        for v in [None, *entry.variants]:
            new = merged.names(v) - entry.names(v)
            if new:
                raise ScriptError(f"{source}: [steps.{key}] uses {{{sorted(new)[0]}}}, which the chapter does not "
                                  f"fill (it fills: {', '.join(sorted(entry.all_names())) or 'nothing'})")
        if set(t.texts) < set(entry.texts) or any(set(t.variants.get(v, {})) < set(entry.variants[v])
                                                  for v in entry.variants):
            fallbacks.append(key)
        entries[key] = merged
    labels = dict(base.labels)
    for k, v in tr.labels.items():
        if k not in base.labels:
            raise ScriptError(f"{source}: label {k!r} is not a label of this chapter")
        new = placeholders(v, f"{source}: label {k!r}") - placeholders(base.labels[k])
        if new:
            raise ScriptError(f"{source}: label {k!r} uses {{{sorted(new)[0]}}}, which the chapter does not fill")
        labels[k] = v
    fallbacks += [f"labels.{k}" for k in base.labels if k not in tr.labels]
    chapter = dict(base.chapter)
    for k in CHAPTER_TEXTS:
        if k in tables.get("chapter", {}):
            chapter[k] = tables["chapter"][k]
    return replace(base, chapter=chapter, entries=entries, labels=labels, fallbacks=tuple(fallbacks))


def export_tables(script: ChapterScript) -> dict:
    """The tables of a chapter's words, as a translation file holds them (``[NAME.chapter]`` with
    its title and roadmap, ``[NAME.steps.KEY]``, ``[NAME.labels]``)."""
    out = {}
    words = {k: script.chapter[k] for k in CHAPTER_TEXTS if k in script.chapter}
    if words:
        out["chapter"] = words
    out["steps"] = {k: {**e.texts, **({"lesson": True} if e.lesson else {}), **{v: dict(t) for v, t in e.variants.items()}}
                    for k, e in script.entries.items()}
    if script.labels:
        out["labels"] = dict(script.labels)
    return out


def dump_toml(data: dict, header: str = "") -> str:
    """A minimal TOML writer for script files (strings, lists of strings and nested tables), so
    that an exported script reads like the files it came from."""
    lines = [header.rstrip()] if header else []

    def value(v):
        if isinstance(v, str):
            if "\n" in v:
                body = v.replace("\\", "\\\\").replace('"""', '\\"""')
                return '"""\n' + body + '"""'
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"cannot write {type(v).__name__} to a script file")

    def key(k):
        return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else value(k)

    def table(path, d):
        plain = [(k, v) for k, v in d.items() if not isinstance(v, dict)]
        nested = [(k, v) for k, v in d.items() if isinstance(v, dict)]
        if plain and path:
            lines.append("")
            lines.append("[" + ".".join(key(p) for p in path) + "]")
        for k, v in plain:
            lines.append(f"{key(k)} = {value(v)}")
        for k, v in nested:
            table([*path, k], v)

    table([], data)
    return "\n".join(lines).lstrip("\n") + "\n"
