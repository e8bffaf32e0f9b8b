"""The pipeline: drives manim to make the explainer.  Command line (``python -m pipeline``,
``ntk-explainer``), parallel chapter renders, the chapter and data caches, stitching, slides,
stills and posters, the benchmark.  Imports point one way: pipeline → scenes → ntkcore.

Importing this package (and :mod:`pipeline.cli`, :mod:`pipeline.chapters`) needs only the standard
library, so the command line can answer ``--help`` and ``--list`` before anything is installed.
"""
