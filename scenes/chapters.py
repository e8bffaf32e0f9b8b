"""The chapters of the explainer in story order.  Plain data: no manim import, so that
``./render.sh --list`` and name checks answer before anything is installed."""

from __future__ import annotations

import sys
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


class UsageError(Exception):
    """A bad command line: the message says what is allowed."""


def by_name() -> dict[str, Chapter]:
    return {c.name: c for c in CHAPTERS}


def parse_args(argv: list[str]) -> tuple[list[Chapter], str]:
    """``(chapters to render in story order, quality flag)``; :class:`UsageError` on bad input."""
    quality = "-ql"
    names: list[str] = []
    for arg in argv:
        if arg in QUALITY_FLAGS:
            quality = arg
        elif arg.startswith("-"):
            raise UsageError(f"unknown option {arg!r}; options: {' '.join(QUALITY_FLAGS)} --list")
        else:
            names.append(arg)
    known = by_name()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown chapter {unknown[0]!r}; valid chapters: {', '.join(known)}")
    chosen = [c for c in CHAPTERS if not names or c.name in names]
    return chosen, quality


def main_list() -> int:
    for i, c in enumerate(CHAPTERS, 1):
        print(f"{i:>2}  {c.name:<16} {c.title}")
    return 0


def main_check(argv: list[str]) -> int:
    try:
        parse_args(argv)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
