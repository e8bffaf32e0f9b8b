"""The chapters of the explainer in story order.  Plain data: no manim import, so that
``./render.sh --list`` and name checks answer before anything is installed."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import NamedTuple


class Chapter(NamedTuple):
    name: str        # what users type: ./render.sh NAME
    file: str        # scene file, relative to the repository root
    scene: str       # scene class in that file
    title: str


CHAPTERS: list[Chapter] = [
    Chapter("lookup_table", "scenes/ch1_lookup_table.py", "LookupTable", "Example 1 — a lookup table"),
    Chapter("linear", "scenes/ch2_linear.py", "LinearModel", "Example 2 — a linear model"),
    Chapter("ntk_definition", "scenes/ch3_ntk_definition.py", "NTKDefinition", "The neural tangent kernel"),
    Chapter("reparametrized", "scenes/ch4_reparametrized.py", "Reparametrized",
            "Example 3 — the same line, reparametrized"),
    Chapter("rbf", "scenes/ch5_rbf.py", "RBFNetwork", "Example 4 — a tiny RBF network"),
    Chapter("training", "scenes/ch6_training.py", "KernelDuringTraining",
            "Example 5 — the kernel changes as we train"),
    Chapter("wide_init", "scenes/ch7_wide_init.py", "WideAtInit", "Wide networks at initialization"),
    Chapter("wide_training", "scenes/ch8_wide_training.py", "WideDuringTraining",
            "Wide networks during training"),
    Chapter("nngp_vs_ntk", "scenes/ch9_nngp_vs_ntk.py", "DontMixKernels", "Don't mix your kernels"),
]

QUALITY_FLAGS = {"-ql": "480p15", "-qm": "720p30", "-qh": "1080p60", "-qk": "2160p60"}
FORMATS = ("mp4", "webm", "gif")


class UsageError(Exception):
    """A bad command line: the message says what is allowed."""


@dataclass
class Options:
    """What ``./render.sh`` was asked to do."""

    chapters: list            # Chapter, in story order
    quality: str = "-ql"
    fmt: str = "mp4"
    transparent: bool = False
    config: str | None = None  # TOML settings file (validated later, once ntkcore is installed)
    force: bool = False        # render even chapters whose code and settings did not change
    subdir: str = ""           # render into this folder of the media root (slides: "slides")

    @property
    def all_chapters(self) -> bool:
        return len(self.chapters) == len(CHAPTERS)


def by_name() -> dict[str, Chapter]:
    return {c.name: c for c in CHAPTERS}


def _value(argv: list[str], i: int, flag: str) -> tuple[str, int]:
    arg = argv[i]
    if arg.startswith(flag + "="):
        return arg.split("=", 1)[1], i + 1
    if i + 1 >= len(argv):
        raise UsageError(f"{flag} needs a value")
    return argv[i + 1], i + 2


def parse_options(argv: list[str]) -> Options:
    """Parse ``[NAME...] [-ql|-qm|-qh|-qk] [--format F] [-t] [--config FILE]``."""
    opts = Options(chapters=[])
    names: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in QUALITY_FLAGS:
            opts.quality, i = arg, i + 1
        elif arg in ("-t", "--transparent"):
            opts.transparent, i = True, i + 1
        elif arg == "--force":
            opts.force, i = True, i + 1
        elif arg == "--format" or arg.startswith("--format="):
            opts.fmt, i = _value(argv, i, "--format")
            if opts.fmt not in FORMATS:
                raise UsageError(f"--format must be one of {', '.join(FORMATS)}; got {opts.fmt!r}")
        elif arg == "--config" or arg.startswith("--config="):
            opts.config, i = _value(argv, i, "--config")
            if not os.path.isfile(opts.config):
                raise UsageError(f"--config: no such file {opts.config!r}")
        elif arg.startswith("-"):
            raise UsageError(f"unknown option {arg!r}; options: {' '.join(QUALITY_FLAGS)} "
                             f"--format {'|'.join(FORMATS)} --transparent --config FILE --force --list")
        else:
            names.append(arg)
            i += 1
    known = by_name()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown chapter {unknown[0]!r}; valid chapters: {', '.join(known)}")
    opts.chapters = [c for c in CHAPTERS if not names or c.name in names]
    return opts


def parse_args(argv: list[str]) -> tuple[list[Chapter], str]:
    """``(chapters to render in story order, quality flag)``; :class:`UsageError` on bad input."""
    opts = parse_options(argv)
    return opts.chapters, opts.quality


def main_list() -> int:
    for i, c in enumerate(CHAPTERS, 1):
        print(f"{i:>2}  {c.name:<16} {c.title}")
    return 0


def main_check(argv: list[str]) -> int:
    if argv[:1] and argv[0] in MODES:
        argv = argv[1:]
    try:
        parse_options(argv)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


MODES = ("stills", "posters", "slides")
