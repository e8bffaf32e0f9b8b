"""The test builds jump every animation to its end state (scenes/base.py end_state) instead of
playing it, because manim's copies for frames a dry run never draws cost most of a build.  That is
only allowed if it changes nothing a test reads: here one chapter full of transforms, replacements,
``.animate`` and lagged groups is built both ways, and every step's words, times, text boxes and
drawn ink must be equal.  (All thirteen chapters were compared this way when the fast path came in;
the stored-frame chapters, tests/test_frames.py, always take manim's full path.)"""

import importlib

import numpy as np

from pipeline.chapters import by_name
from scene_helpers import construct, recording


def snapshot(scene):
    steps = [(s.id, s.caption, round(s.start, 6), round(s.end, 6), round(s.begin, 6)) for s in scene.steps]
    layout = [(sid, [(t.original_text or t.tex_string, tuple(np.round(t.get_corner([-1, -1, 0]), 4)),
                      tuple(np.round(t.get_corner([1, 1, 0]), 4))) for t in texts]) for sid, texts in scene.layout]
    ink = [(sid, [(r.kind, r.words, tuple(round(float(v), 4) for v in r.box), r.stroke[0], round(r.stroke[1], 4),
                   r.fill[0], round(r.fill[1], 4)) for r in recs]) for sid, recs in scene.ink]
    return steps, layout, ink, round(scene.chapter_seconds, 6)


def test_end_states_leave_what_playing_leaves():
    ch = by_name()["reparametrized"]
    cls = getattr(importlib.import_module(ch.module), ch.scene)
    played, jumped = (snapshot(construct(recording(cls, end_states=fast))) for fast in (False, True))
    assert played[0] == jumped[0] and played[3] == jumped[3]
    for (sid, a), (_, b) in zip(played[1], jumped[1]):
        assert a == b, f"text boxes differ at {sid}"
    for (sid, a), (_, b) in zip(played[2], jumped[2]):
        assert a == b, f"drawn ink differs at {sid}"
