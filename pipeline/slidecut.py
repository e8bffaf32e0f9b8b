"""Cut a chapter's rendered clip into one clip per slide, at its step boundaries, with no render.

Every chapter render writes ``<Scene>.steps.json`` beside its clip (``scenes.base``): each caption
step's id, words and start time.  A caption step starts a slide, as ``next_slide()`` does in the
manim-slides route, so slide *k* is the frames ``[start_k, start_{k+1})`` of the clip (the first
slide from frame 0, the last to the clip's end), and its speaker notes are the step's narration.

The cut is exact to the frame.  manim encodes each animation as its own segment and joins them
without re-encoding, so every step starts on a key frame: the packets are copied (no quality lost,
a fraction of a second per chapter).  Where a boundary is not a key frame (a clip from elsewhere)
the chapter is decoded once and each slide re-encoded as manim encodes (H.264, CRF 23).

Cuts are kept under ``<cache>/slides/<key>/``, keyed by the source clip's sha256 and the frames of
the cut: a second deck from the same clips — another format, another name — cuts nothing.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

CUT_VERSION = 1          # part of every cut's key: a change in how clips are cut makes new cuts


class CutError(Exception):
    """A clip and its steps file that cannot be cut into slides (one line: which and why)."""


@dataclass(frozen=True)
class SlideClip:
    """One slide of a chapter: its clip and where it came from."""

    chapter: str
    index: int          # 0-based within the chapter
    step: str           # the step id that starts it
    caption: str
    notes: str
    first: int          # first frame in the chapter's clip
    end: int            # one past its last frame
    file: Path


def steps_path(clip: Path) -> Path:
    return Path(clip).with_name(Path(clip).stem + ".steps.json")


def read_steps(clip: Path) -> dict:
    """The steps file beside ``clip`` (:class:`CutError` if it is missing or unreadable)."""
    path = steps_path(clip)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CutError(f"{path.name} is missing beside {clip}") from None
    except (OSError, ValueError) as e:
        raise CutError(f"{path} is not a readable steps file ({e})") from None
    if not isinstance(data, dict) or not data.get("steps"):
        raise CutError(f"{path} lists no steps")
    return data


@dataclass(frozen=True)
class ClipInfo:
    """What the cut needs to know of a clip: its frame rate, its frames' timestamps (presentation
    order) and which frames are key frames."""

    fps: Fraction
    time_base: Fraction
    pts: tuple            # presentation timestamps of its frames, sorted
    keyframes: frozenset  # frame indices that are key frames

    @property
    def frames(self) -> int:
        return len(self.pts)

    @property
    def seconds(self) -> float:
        return self.frames / float(self.fps)

    def frame_of(self, pts: int) -> int:
        """The index of the frame with (about) this timestamp."""
        i = bisect.bisect_left(self.pts, pts)
        if i == len(self.pts) or (i > 0 and pts - self.pts[i - 1] < self.pts[i] - pts):
            i -= 1
        return i


def clip_info(clip: Path) -> ClipInfo:
    """Read a clip's packets (no decoding)."""
    import av
    try:
        with av.open(str(clip)) as c:
            s = c.streams.video[0]
            fps = Fraction(s.base_rate or s.guessed_rate or s.average_rate)
            packets = [(p.pts, p.is_keyframe) for p in c.demux(s) if p.dts is not None and p.pts is not None and p.size]
            tb = Fraction(s.time_base)
    except (OSError, IndexError, av.FFmpegError) as e:
        raise CutError(f"{clip} does not open as a video ({e})") from None
    if not packets:
        raise CutError(f"{clip} has no video frames")
    pts = tuple(sorted(p for p, _ in packets))
    index = {p: i for i, p in enumerate(pts)}
    return ClipInfo(fps, tb, pts, frozenset(index[p] for p, key in packets if key))


def slide_frames(steps: dict, info: ClipInfo) -> list[tuple[int, int, dict]]:
    """``[(first frame, end frame, step)]``: one slide per step, from its start to the next one's
    (the first from frame 0, the last to the clip's end).  A step that starts in the same frame as
    the next one shows nothing and makes no slide."""
    shown = steps["steps"]
    starts = [0] + [min(info.frames, max(0, round(float(s["start"]) * info.fps))) for s in shown[1:]]
    out = []
    for k, step in enumerate(shown):
        end = starts[k + 1] if k + 1 < len(shown) else info.frames
        if end > starts[k]:
            out.append((starts[k], end, step))
        elif end < starts[k]:
            raise CutError(f"step {step.get('id')} of {steps.get('chapter')} starts after the next one")
    if not out:
        raise CutError(f"the steps of {steps.get('chapter')} leave no frames")
    return out


def cut_key(sha256: str, bounds: list) -> str:
    blob = {"clip": sha256, "frames": [[a, b] for a, b, _ in bounds], "version": CUT_VERSION}
    return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()


def _copy(clip: Path, info: ClipInfo, bounds: list, outs: list) -> None:
    """Copy each slide's packets into its own file, timestamps from 0 (every slide starts on a key
    frame; its packets are those whose frame lies in its range)."""
    import av
    firsts = [a for a, _, _ in bounds]
    offsets = [info.pts[a] for a in firsts]
    with av.open(str(clip)) as inp:
        s = inp.streams.video[0]
        containers, streams = [], []
        try:
            for out in outs:
                oc = av.open(str(out), "w", format="mp4")
                containers.append(oc)
                streams.append(oc.add_stream_from_template(template=s))
            for pkt in inp.demux(s):
                if pkt.dts is None or pkt.pts is None or not pkt.size:
                    continue
                frame = info.frame_of(pkt.pts)
                k = bisect.bisect_right(firsts, frame) - 1
                if k < 0 or frame >= bounds[k][1]:
                    continue
                pkt.pts -= offsets[k]
                pkt.dts -= offsets[k]
                pkt.stream = streams[k]
                containers[k].mux(pkt)
        finally:
            for oc in containers:
                oc.close()


def _encode(clip: Path, info: ClipInfo, bounds: list, outs: list) -> None:
    """Decode the clip once and encode each slide's frames (as manim does: H.264, yuv420p, CRF 23)."""
    import av
    firsts = [a for a, _, _ in bounds]
    containers, streams = [None] * len(outs), [None] * len(outs)
    try:
        with av.open(str(clip)) as inp:
            s = inp.streams.video[0]
            for frame in inp.decode(s):
                i = info.frame_of(frame.pts)
                k = bisect.bisect_right(firsts, i) - 1
                if k < 0 or i >= bounds[k][1]:
                    continue
                if containers[k] is None:
                    oc = av.open(str(outs[k]), "w", format="mp4")
                    st = oc.add_stream("libx264", rate=info.fps, options={"crf": "23"})
                    st.pix_fmt, st.width, st.height = "yuv420p", frame.width, frame.height
                    containers[k], streams[k] = oc, st
                new = frame.reformat(format="yuv420p")
                new.pts, new.time_base = i - firsts[k], Fraction(1) / info.fps
                containers[k].mux(streams[k].encode(new))
        for oc, st in zip(containers, streams):
            if oc is not None:
                oc.mux(st.encode())
    finally:
        for oc in containers:
            if oc is not None:
                oc.close()


def cut_clip(clip: Path, bounds: list, outs: list, info: ClipInfo | None = None) -> str:
    """Write slide ``k``'s frames ``bounds[k][:2]`` of ``clip`` into ``outs[k]``; returns how:
    ``"copied"`` (every slide starts on a key frame) or ``"encoded"``.  Each file is checked to
    hold exactly its frames."""
    info = info or clip_info(clip)
    how = "copied" if all(a in info.keyframes for a, _, _ in bounds) else "encoded"
    (_copy if how == "copied" else _encode)(clip, info, bounds, outs)
    for (a, b, _), out in zip(bounds, outs):
        got = clip_info(out).frames if Path(out).exists() else 0
        if got != b - a:
            raise CutError(f"cutting {clip}: {Path(out).name} has {got} frames, not {b - a}")
    return how


def clip_steps(clip: Path, info: ClipInfo | None = None) -> dict:
    """The steps file of ``clip``, checked to belong to it (its length within a frame or so)."""
    steps = read_steps(clip)
    info = info or clip_info(clip)
    if abs(float(steps.get("seconds", info.seconds)) - info.seconds) * float(info.fps) > 1.5:
        raise CutError(f"{steps_path(clip).name} ({float(steps['seconds']):.2f} s) does not belong to "
                       f"{Path(clip).name} ({info.seconds:.2f} s)")
    return steps


def cut_chapter(clip: Path, sha256: str, cache: Path, log=print) -> list[SlideClip]:
    """The slides of a chapter's clip, cut once and kept under ``cache/slides/<key>/``."""
    clip = Path(clip)
    info = clip_info(clip)
    steps = clip_steps(clip, info)
    bounds = slide_frames(steps, info)
    key = cut_key(sha256, bounds)
    entry = Path(cache) / "slides" / key[:40]
    names = [f"{steps.get('chapter', clip.stem)}-{k:02d}.mp4" for k in range(len(bounds))]
    manifest = entry / "cut.json"
    if not _whole(manifest, key, entry, names):
        tmp = entry.with_name(f"{entry.name}.partial-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            how = cut_clip(clip, bounds, [tmp / n for n in names], info)
            (tmp / "cut.json").write_text(json.dumps({"key": key, "clips": names, "how": how}), encoding="utf-8")
            shutil.rmtree(entry, ignore_errors=True)    # an entry left half-made
            try:
                os.replace(tmp, entry)
            except OSError:                             # another process made it meanwhile
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        log(f"   {steps.get('chapter', clip.stem)}: {len(bounds)} slides cut from {clip.name} ({how})")
    chapter = steps.get("chapter", clip.stem)
    return [SlideClip(chapter, k, step.get("id", ""), step.get("caption", ""), step.get("notes", ""), a, b,
                      entry / names[k])
            for k, (a, b, step) in enumerate(bounds)]


def _whole(manifest: Path, key: str, entry: Path, names: list) -> bool:
    try:
        made = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return made.get("key") == key and made.get("clips") == names and all((entry / n).is_file() for n in names)
