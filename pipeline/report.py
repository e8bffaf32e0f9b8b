"""``report``: ntkcore's JSON report, with the wide-network numbers from the pipeline's cache (the
same files the chapters load); ``report --plot DIR``: each chapter's key figure as a PNG
(``pipeline/plots.py``), from the same numbers."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import datacache
from pipeline.paths import MEDIA


def report(args) -> int:
    from ntkcore.report import run_report

    theme = None
    if getattr(args, "config", None):
        # one validator for every command: a [theme] that render refuses, report refuses too
        from ntkcore.settings import load_settings
        from scenes.theme import Theme
        s = load_settings(args.config)
        theme = Theme.from_settings(s.theme, s.source)

    cache = Path(args.media_dir).resolve() / "cache" if getattr(args, "media_dir", None) else MEDIA / "cache"

    def experiment(name, settings):
        datacache.check_cost([name], settings, cache, getattr(args, "allow_slow", False), log=_stderr)
        return datacache.load(datacache.ensure(name, settings, cache, log=_stderr))

    if getattr(args, "plot", None):
        return plot(args, experiment, theme)
    return run_report(args, experiment)


def plot(args, experiment, theme=None) -> int:
    """``report --plot DIR``: the figures the options ask for (all by default) into DIR, one path a
    line on stdout."""
    from ntkcore.report import load
    from pipeline import plots
    from scenes.theme import Theme

    problem = plots.plot_dir_problem(args.plot)      # (the command line checks it too)
    if problem:
        _stderr(f"error: {problem}")
        return 2
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        _stderr("error: --plot draws with matplotlib, which is not installed: ./render.sh report --plot installs it (or pip install -e '.[plot]')")
        return 2
    try:
        settings, _ = load(args)
    except ValueError as e:                          # an unknown example (a SettingsError is a ValueError too)
        _stderr(f"error: {e}")
        return 2
    theme = theme or Theme.from_settings(settings.theme, settings.source)
    chapters = plots.figure_chapters(args)
    inputs = plots.Inputs(settings, theme, lambda name: experiment(name, settings))
    plots.write_plots(args.plot, inputs, chapters, log=print)
    return 0


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)
