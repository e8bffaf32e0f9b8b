"""``report``: ntkcore's JSON report, with the wide-network numbers from the pipeline's cache (the
same files the chapters load)."""

from __future__ import annotations

from pathlib import Path

from pipeline import datacache
from pipeline.paths import MEDIA


def report(args) -> int:
    from ntkcore.report import run_report

    if getattr(args, "config", None):
        # one validator for every command: a [theme] that render refuses, report refuses too
        from ntkcore.settings import load_settings
        from scenes.theme import Theme
        s = load_settings(args.config)
        Theme.from_settings(s.theme, s.source)

    cache = Path(args.media_dir).resolve() / "cache" if getattr(args, "media_dir", None) else MEDIA / "cache"

    def experiment(name, settings):
        datacache.check_cost([name], settings, cache, getattr(args, "allow_slow", False), log=_stderr)
        return datacache.load(datacache.ensure(name, settings, cache, log=_stderr))

    return run_report(args, experiment)


def _stderr(msg: str) -> None:
    import sys
    print(msg, file=sys.stderr)
