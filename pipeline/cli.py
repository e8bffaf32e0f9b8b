"""The command line, defined once: ``python -m pipeline``, the installed ``ntk-explainer`` and
``./render.sh`` all parse it here.

    ntk-explainer [render] [CHAPTER...] [-ql|-qm|-qh|-qk] [--format F] [-t] [--config FILE] [--force]
    ntk-explainer list | stills | posters | slides | report | settings | bench | test | setup

Every subcommand has its own ``--help``.  Arguments are checked before anything is installed or
rendered (``--preflight`` answers what a command needs, for ``render.sh``); a bad one exits with
status 2 and a one-line message.  This module needs only the standard library at import time.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from pipeline.chapters import CHAPTERS, FORMATS, PRESETS, QUALITIES, by_name, cuts

PROG = "ntk-explainer"

COMMANDS = {
    "render": "render chapters (all by default) and stitch the full video",
    "list": "print the chapters in story order",
    "stills": "the README's pictures: each chapter's last frame into docs/",
    "posters": "a poster frame (last frame, PNG) per chapter into media/posters/",
    "slides": "the chapters as slides: offline HTML, PDF and PowerPoint decks in media/slides/",
    "narrated": "the narrated edition: the script spoken (offline voice or your recordings), into media/narrated/",
    "script": "the script: every step's words as a TOML file to edit or translate (--script reads it back), "
              "and the filled-in narration script as Markdown and CSV",
    "new-chapter": "add a chapter: write a working chapter file, its script and its test, and put it in the story",
    "report": "print the numbers behind the scenes as JSON",
    "settings": "print the default settings as a complete settings file (TOML)",
    "readme": "rewrite README.md's chapter table (each chapter's length, full and lecture cut) from the last render",
    "bench": "measure render and NTK speed; writes media/bench.json",
    "test": "run the test suite (arguments go to pytest)",
    "setup": "only install what is missing",
}


class Parser(argparse.ArgumentParser):
    """argparse, refusing in one line (no usage block): ``ntk-explainer: error: …``, exit 2."""

    def error(self, message):
        self.exit(2, f"{PROG}: error: {message} (--help shows the usage)\n")


class Once(argparse.Action):
    """An option that may be given once: a second, different value is an error naming both."""

    def __call__(self, parser, namespace, values, option_string=None):
        seen = getattr(namespace, "_given", set())
        key = self.dest
        if key in seen and getattr(namespace, key) != values:
            parser.error(f"{option_string} given twice ({getattr(namespace, key)} and {values}); give it once")
        seen.add(key)
        namespace._given = seen
        setattr(namespace, key, values)


class QualityFlag(argparse.Action):
    """``-ql``/``-qm``/``-qh``/``-qk``: two different ones are an error naming both."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        new = option_string[-1]
        old = getattr(namespace, "_quality_flag", None)
        if old and old != option_string:
            parser.error(f"{old} and {option_string} conflict; give one quality")
        namespace._quality_flag = option_string
        setattr(namespace, self.dest, new)


class Preset(argparse.Action):
    """``--quality NAME``: a named preset (low, medium, high, 4k, lecture); conflicts like -q flags."""

    def __call__(self, parser, namespace, values, option_string=None):
        new = PRESETS[values]
        old = getattr(namespace, "_quality_flag", None)
        if old and getattr(namespace, self.dest) != new:
            parser.error(f"{old} and --quality {values} conflict; give one quality")
        namespace._quality_flag = f"--quality {values}"
        setattr(namespace, self.dest, new)


def add_quality(p, default="l"):
    g = p.add_argument_group("quality (manim's flags, or a named preset)")
    for q, folder in QUALITIES.items():
        g.add_argument(f"-q{q}", dest="quality", action=QualityFlag, default=default,
                       help=f"{folder}" + (" (default)" if q == default else ""))
    g.add_argument("--quality", dest="quality", action=Preset, choices=list(PRESETS), default=default,
                   metavar="{" + ",".join(PRESETS) + "}",
                   help="a named preset: lecture = 1080p30, a lecture hall's projector (README: For lectures)")


def add_config(p):
    p.add_argument("--config", metavar="FILE", action=Once,
                   help="TOML settings file changing examples, wide-network settings or colours "
                        "(./render.sh settings prints the defaults); output goes to media/configs/NAME/")


def add_slow(p):
    p.add_argument("--allow-slow", action="store_true",
                   help="compute wide-network numbers even when the settings make that take more than about "
                        "ten minutes or 4 GB (the estimate is said first)")


def add_media(p):
    p.add_argument("--media-dir", metavar="DIR", action=Once, help="render into DIR instead of media/")


def add_words(p):
    p.add_argument("--script", metavar="FILE|LANG", action=Once,
                   help="the words from an edited or translated script file (./render.sh script exports one), "
                        "or a shipped translation by its language code (scenes/translations/LANG.toml)")
    p.add_argument("--cut", metavar="NAME", action=Once,
                   help="a shorter edition declared in scenes/chapters/story.toml (e.g. lecture)")


def add_chapters(p):
    p.add_argument("chapters", nargs="*", metavar="CHAPTER",
                   help="chapter names (default: all); ./render.sh --list shows them")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Animated explainer of the neural tangent kernel (after F. Huszár, inFERENCe 2020).",
        epilog="With no command, `render` is meant: ./render.sh linear -qh renders one chapter at 1080p.\n"
               "Each command has its own --help.")
    parser.add_argument("--list", action="store_true", help="print the chapters in story order")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("render", help=COMMANDS["render"], description=COMMANDS["render"] + ".")
    add_chapters(p)
    add_quality(p)
    p.add_argument("--format", choices=FORMATS, default="mp4", action=Once, help="clip format (default mp4)")
    p.add_argument("-t", "--transparent", action="store_true",
                   help="transparent background (a .mov with alpha, or webm with --format webm)")
    add_config(p)
    add_words(p)
    p.add_argument("--force", action="store_true",
                   help="render even chapters whose code, settings and options did not change")
    p.add_argument("--list", action="store_true", help="print the chapters in story order and stop")
    add_media(p)
    add_slow(p)

    sub.add_parser("list", help=COMMANDS["list"], description=COMMANDS["list"] + ".")

    p = sub.add_parser("stills", help=COMMANDS["stills"],
                       description=COMMANDS["stills"] + " (with --config: into media/configs/NAME/stills/).")
    add_chapters(p)
    add_config(p)
    add_words(p)
    add_media(p)
    add_slow(p)

    p = sub.add_parser("posters", help=COMMANDS["posters"], description=COMMANDS["posters"] + ".")
    add_chapters(p)
    add_quality(p)
    p.add_argument("--at", metavar="STEP", action="append",
                   help="the frame at the end of this step instead of the last (a step id, e.g. "
                        "training.why_flat, or a key of the one chapter named; repeatable)")
    add_config(p)
    add_words(p)
    add_media(p)
    add_slow(p)

    p = sub.add_parser("slides", help=COMMANDS["slides"], description=COMMANDS["slides"] + ".")
    add_chapters(p)
    add_quality(p)
    p.add_argument("--to", action="append", choices=("html", "pdf", "pptx"), metavar="{html,pdf,pptx}",
                   help="deck format (repeatable; default: html and pdf)")
    p.add_argument("--name", metavar="DECK", action=Once,
                   help="deck file name (default: ntk_explainer, or ntk_explainer-CHAPTERS for a part)")
    add_config(p)
    add_words(p)
    add_media(p)
    add_slow(p)

    p = sub.add_parser("narrated", help=COMMANDS["narrated"], description=COMMANDS["narrated"] + ".")
    add_chapters(p)
    add_quality(p)
    p.add_argument("--voice-dir", metavar="DIR", action=Once,
                   help="your recordings, <step id>.wav (./render.sh script lists the ids); missing steps "
                        "are read by the synthetic voice")
    add_config(p)
    add_words(p)
    p.add_argument("--force", action="store_true", help="render even chapters whose inputs did not change")
    add_media(p)
    add_slow(p)

    p = sub.add_parser("script", help=COMMANDS["script"], description=COMMANDS["script"] + ".")
    add_chapters(p)
    add_config(p)
    add_words(p)
    add_media(p)
    add_slow(p)

    p = sub.add_parser("report", help=COMMANDS["report"], description=COMMANDS["report"] + ".")
    p.add_argument("--example", action="append", metavar="NAME",
                   help="only this example (repeatable): lookup_table linear reparametrized rbf training")
    p.add_argument("--wide", action="store_true", help="the wide-network chapters' numbers (cached)")
    p.add_argument("--gp", action="store_true", help="kernel gradient descent and the two Gaussian processes")
    from pipeline.plots import plot_dir      # standard library only
    p.add_argument("--plot", metavar="DIR", action=Once, type=plot_dir,
                   help="instead of JSON: each chapter's key figure as a PNG into DIR (matplotlib; with --example, "
                        "--wide or --gp only those chapters')")
    add_config(p)
    add_media(p)
    add_slow(p)

    sub.add_parser("settings", help=COMMANDS["settings"], description=COMMANDS["settings"] + ".")
    p = sub.add_parser("readme", help=COMMANDS["readme"], description=COMMANDS["readme"] + ".")
    add_media(p)

    p = sub.add_parser("bench", help=COMMANDS["bench"], description=COMMANDS["bench"] + ".")
    add_quality(p, default=None)
    p.add_argument("--profile", metavar="CHAPTER", help="also cProfile this chapter's render")
    p.add_argument("--skip-ntk", action="store_true", help="skip the NTK timings")
    p.add_argument("--narrated", action="store_true", help="also time the narrated edition at -ql (cold voice cache)")
    p.add_argument("--quick", action="store_true",
                   help="three short chapters, no NTK timings: a few minutes on 2 cores (media/bench_quick.json)")

    p = sub.add_parser("test", help=COMMANDS["test"], description=COMMANDS["test"] + ".", add_help=False)
    p.add_argument("pytest_args", nargs=argparse.REMAINDER)

    p = sub.add_parser("new-chapter", help=COMMANDS["new-chapter"], description=COMMANDS["new-chapter"] + ".")
    p.add_argument("name", metavar="NAME", help="the chapter's name: lower case letters, digits and _ (e.g. my_idea)")
    p.add_argument("--after", metavar="CHAPTER", action=Once,
                   help="the chapter it follows in the story (default: the last before the closing)")
    p.add_argument("--title", metavar="TITLE", action=Once, help="its title (default: from NAME)")

    sub.add_parser("setup", help=COMMANDS["setup"], description=COMMANDS["setup"] + ".")
    return parser


def normalize(argv: list) -> list:
    """``render`` when no command is named; ``--list`` anywhere before a command means ``list``."""
    if not argv:
        return ["render"]
    if argv[0] in ("-h", "--help"):
        return argv
    if argv[0] in COMMANDS:
        return argv
    if argv[0] == "--list" and len(argv) == 1:
        return ["list"]
    return ["render", *argv]


def parse(argv: list) -> argparse.Namespace:
    parser = build_parser()
    argv = normalize(argv)
    if argv[:1] == ["test"]:
        # Everything after `test` is pytest's; argparse's REMAINDER refuses a leading option
        # (`test -m "not render"` would be "unrecognized arguments: -m").
        return argparse.Namespace(command="test", pytest_args=argv[1:], chapter_list=list(CHAPTERS))
    for arg in argv[1:]:
        hint = manim_habit(arg)
        if hint:
            parser.error(hint)
    args, rest = parser.parse_known_args(argv)
    # argparse fills a positional once: chapter names after an option come back unparsed
    # (`training -qh lookup_table`); anything else left over is an error, as in parse_args.
    if rest and hasattr(args, "chapters") and not any(r.startswith("-") for r in rest):
        args.chapters = [*(args.chapters or []), *rest]
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    from pipeline.paths import media_problem, name_problem, path_problem
    for what, value in (("--config", getattr(args, "config", None)), ("--voice-dir", getattr(args, "voice_dir", None)),
                        ("--script", getattr(args, "script", None))):
        if value is not None and path_problem(value, what):
            parser.error(path_problem(value, what))
    if getattr(args, "media_dir", None) is not None and media_problem(args.media_dir):
        parser.error(media_problem(args.media_dir))
    if getattr(args, "name", None) is not None and args.command == "slides" and name_problem(args.name):
        parser.error(name_problem(args.name))
    names = getattr(args, "chapters", None) or []
    known = by_name()
    for n in names:
        if n not in known:
            parser.error(f"unknown chapter {n!r}; valid chapters: {', '.join(known)}")
    edition = list(CHAPTERS)
    cut = getattr(args, "cut", None)
    if cut is not None:
        all_cuts = cuts()
        if cut not in all_cuts:
            parser.error(f"--cut: unknown cut {cut!r}; cuts: {', '.join(all_cuts) or 'none'} (scenes/chapters/story.toml)")
        edition = [c for c in CHAPTERS if c.name in all_cuts[cut].chapters]
        outside = [n for n in names if n not in all_cuts[cut].chapters]
        if outside:
            parser.error(f"--cut {cut}: chapter {outside[0]!r} is not in this cut; its chapters: "
                         f"{', '.join(c.name for c in edition)}")
    if names:
        args.chapter_list = [c for c in edition if c.name in names]
    else:
        args.chapter_list = edition
    if getattr(args, "script", None) is not None:
        args.script, args.language = resolve_script(parser, args.script)
    cfg = getattr(args, "config", None)
    if cfg is not None:
        if not os.path.exists(cfg):
            parser.error(f"--config: no such file {cfg!r}")
        if not os.path.isfile(cfg):
            parser.error(f"--config: {cfg!r} is not a regular file (a directory or a pipe?); give a TOML file")
    for at in getattr(args, "at", None) or []:
        chapter, dot, _ = at.partition(".")
        if dot and chapter in known:
            args.chapter_list = [known[chapter]]
        elif len(args.chapter_list) != 1:
            parser.error(f"--at {at}: name the chapter too (--at CHAPTER.KEY), or render one chapter")
    vdir = getattr(args, "voice_dir", None)
    if vdir is not None and not os.path.isdir(vdir):
        parser.error(f"--voice-dir: no such folder {vdir!r}")
    if getattr(args, "profile", None) and args.profile not in known:
        parser.error(f"unknown chapter {args.profile!r} for --profile; valid chapters: {', '.join(known)}")
    return args


def manim_habit(arg: str) -> str | None:
    """A one-line answer to a manim flag this command line does not take (None: not one)."""
    if arg == "-s" or arg == "--save_last_frame":
        return (f"{arg} is manim's last frame: ./render.sh posters CHAPTER (full size; --at STEP for any step), "
                "or ./render.sh stills (the README's pictures)")
    if re.fullmatch(r"-p(q[lmhk])?", arg) or arg == "--preview":
        quality = f" {arg[2:].replace('q', '-q')}" if len(arg) > 2 else ""
        return (f"{arg}: nothing is previewed here; render with ./render.sh CHAPTER{quality} and open "
                "media/videos/CHAPTER/480p15/*.mp4 (the progress line names the file)")
    if arg in ("-r", "--resolution") or arg.startswith("--resolution=") or arg in ("--fps", "--frame_rate") \
            or arg.startswith("--fps=") or arg.startswith("--frame_rate="):
        return (f"{arg}: choose a preset instead: -ql (480p15), -qm (720p30), -qh (1080p60), -qk (2160p60) "
                "or --quality lecture (1080p30)")
    return None


TRANSLATIONS = "scenes/translations"


def resolve_script(parser, value: str) -> tuple:
    """``--script``: a script file, or the language code of a shipped translation; returns its path
    and its language (checked here: one line, exit 2, before anything is installed)."""
    from pathlib import Path

    from scenes.script import ScriptError, load_translation
    from scenes.story import ROOT

    path = Path(value)
    if not path.exists():
        shipped = ROOT / TRANSLATIONS / f"{value}.toml"
        if value.replace("_", "").replace("-", "").isalnum() and shipped.is_file():
            path = shipped
        else:
            have = sorted(p.stem for p in (ROOT / TRANSLATIONS).glob("*.toml"))
            parser.error(f"--script: no such file {value!r}, and no shipped translation of that name "
                         f"(shipped: {', '.join(have) or 'none'})")
    if not path.is_file():
        parser.error(f"--script: {value!r} is not a regular file; give a script file (TOML)")
    try:
        tr = load_translation(path)
    except ScriptError as e:
        parser.error(f"--script: {e}")
    return str(path.resolve()), tr.language


def needs(args: argparse.Namespace) -> list:
    """What must be installed before the command runs (for render.sh): [] for list/help."""
    if args.command in ("list", "new-chapter", "settings") or getattr(args, "list", False):
        return []
    out = ["venv"]
    if args.command == "slides" and "html" in (args.to or ["html"]):
        out.append("revealjs")
    if args.command == "report" and getattr(args, "plot", None):
        out.append("plot")                # matplotlib draws the figures
    if args.command == "test":            # the slides tests make an HTML deck and open it in a browser
        out += ["revealjs", "browser"]
    if args.command == "narrated" or (args.command == "bench" and getattr(args, "narrated", False)):
        out.append("voice")
    return out


def print_list(chapters=None) -> int:
    for c in chapters or CHAPTERS:
        print(f"{c.number:>2}  {c.name:<16} {c.title}")
    return 0


def options(args):
    """The render options of a parsed command line."""
    from pathlib import Path

    from pipeline.render import Options
    kw = dict(chapters=args.chapter_list, config=getattr(args, "config", None))
    if getattr(args, "quality", None):
        kw["quality"] = args.quality
    if getattr(args, "format", None):
        kw["fmt"] = args.format
    kw["transparent"] = bool(getattr(args, "transparent", False))
    kw["force"] = bool(getattr(args, "force", False))
    if getattr(args, "media_dir", None):
        kw["media"] = Path(args.media_dir).resolve()
    kw["cut"] = getattr(args, "cut", None)
    kw["allow_slow"] = bool(getattr(args, "allow_slow", False))
    if getattr(args, "script", None):
        kw["script"], kw["language"] = args.script, args.language
    return Options(**kw)


def run(args) -> int:
    """Carry out a parsed command (inside the virtual environment, after set-up)."""
    cmd = args.command
    if cmd == "list" or getattr(args, "list", False):
        return print_list()
    if cmd == "setup":
        print("Everything is installed.")
        return 0
    if cmd == "new-chapter":
        from pipeline.scaffold import new_chapter
        return new_chapter(args.name, args.after, args.title)
    if cmd == "test":
        import pytest
        pytest_args = list(args.pytest_args)
        if "--quick" in pytest_args:      # the quick tier: numbers, settings, command line, a few chapters
            pytest_args.remove("--quick")
            pytest_args = ["-m", "quick", *pytest_args]
        return pytest.main(pytest_args)
    if cmd == "readme":
        from pathlib import Path

        from pipeline.readme import main as readme
        return readme(Path(args.media_dir).resolve() if getattr(args, "media_dir", None) else None)
    if cmd == "settings":
        from pipeline.settings_file import shipped_defaults
        sys.stdout.write(shipped_defaults())
        return 0
    if cmd == "report":
        from pipeline.report import report
        return report(args)
    if cmd == "bench":
        from pipeline.bench import bench
        return bench(args)
    opts = options(args)
    if cmd == "stills":
        from pipeline.video import stills
        return stills(opts)
    if cmd == "posters":
        from pipeline.video import posters
        return posters(opts, getattr(args, "at", None) or [None])
    if cmd == "slides":
        from pipeline.slides import make_slides
        return make_slides(opts, tuple(dict.fromkeys(args.to or ["html", "pdf"])), args.name)
    if cmd == "script":
        from pipeline.narrated import write_script
        return write_script(opts)
    if cmd == "narrated":
        from pipeline.narrated import narrated
        return 0 if narrated(opts, args.voice_dir) is not None else 1
    from pipeline.video import render_video
    return 0 if render_video(opts) is not None else 1


def main(argv: list | None = None) -> int:
    """The command line: exit status 0, 1 (a failure), 2 (a refused input), 128 + signal."""
    for stream in (sys.stdout, sys.stderr):       # PYTHONIOENCODING=ascii: write what can be written
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        rc = _main(argv)
        sys.stdout.flush()
        return rc
    except BrokenPipeError:                        # `--list | head`: the reader has gone; so do we
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(argv: list | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--preflight"]:
        # For render.sh: check the arguments (exit 2 with a message if bad) and print what the
        # command needs installed; help and the chapter list need nothing.
        rest = argv[1:]
        if rest[:1] != ["test"] and any(a in ("-h", "--help") for a in rest):
            return 0
        print(" ".join(needs(parse(rest))))
        return 0
    args = parse(argv)
    if args.command == "list" or getattr(args, "list", False):
        return print_list(getattr(args, "chapter_list", None))
    if args.command == "new-chapter":
        from pipeline.scaffold import new_chapter
        return new_chapter(args.name, args.after, args.title)
    if args.command == "settings":        # the shipped file: no JAX, no venv
        from pipeline.settings_file import shipped_defaults
        sys.stdout.write(shipped_defaults())
        return 0
    from pipeline.errors import run_guarded
    return run_guarded(run, args)
