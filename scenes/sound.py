"""Sound in a chapter: narration clips placed on the video's frame clock.

* :class:`FrameClockMixin` -- keeps ``self.frame_time``, the time of the next frame **in the video**,
  counted in frames.  manim's own clock (``renderer.time``) is that only when every animation is
  rendered: for an animation taken from manim's partial-movie cache it advances by the nominal
  ``run_time`` instead of the frames the cached file holds (a ``wait(0.5)`` at 15 fps is 7 frames =
  0.467 s), so sounds placed with ``Scene.add_sound`` drift on a cached re-render (measured: 0.33 s
  after ten 0.5 s waits at -ql);
* :func:`add_clip` -- ``Scene.add_sound`` at the frame clock; and unlike ``Scene.add_sound`` it is
  not silently dropped when the animation before it came from the cache (manim leaves
  ``renderer.skip_animations`` set after a cached animation until the next ``play``);
* :func:`end_audio_with_video` -- pads the sound track with silence to the end of the video (manim
  stops the audio track where the last sound ends).
"""

from __future__ import annotations

from pathlib import Path


class FrameClockMixin:
    """Keeps ``self.frame_time``: where the next frame lands in the video, in seconds, counting the
    frames each ``play``/``wait`` really adds -- also when manim takes an animation from its cache.

    Use as the first base: ``class Chapter(FrameClockMixin, Slide)``.
    """

    _frames_written = 0

    def play(self, *args, **kwargs):
        renderer = self.renderer
        before = renderer.time
        result = super().play(*args, **kwargs)
        self._frames_written = self._frames_written + _frames_of_last_play(renderer, before)
        return result

    @property
    def frame_time(self) -> float:
        from manim import config

        return self._frames_written / config.frame_rate


def _frames_of_last_play(renderer, time_before: float) -> int:
    from manim import config

    if getattr(renderer, "_original_skipping_status", False):
        return 0  # -s / dry run: no movie at all
    if renderer.skip_animations:
        # Taken from the cache (its partial movie is complete on disk) or skipped by -n (None).
        files = renderer.file_writer.partial_movie_files
        path = files[-1] if files else None
        if path is None or not Path(path).is_file():
            return 0
        import av

        with av.open(str(path)) as c:
            v = c.streams.video[0]
            return v.frames or sum(1 for p in c.demux(v) if p.size)
    return int(round((renderer.time - time_before) * config.frame_rate))


def scene_clock(scene) -> float:
    """The scene's time in the video: the frame clock if the scene has one, else manim's clock."""
    return scene.frame_time if isinstance(scene, FrameClockMixin) else scene.renderer.time


def add_clip(scene, wav: Path, offset: float = 0.0) -> None:
    """Play ``wav`` from now (+ ``offset`` s) in the scene's sound track.

    Call it between ``play``/``wait`` calls. Unlike ``Scene.add_sound`` it keeps the sound after an
    animation that came from manim's cache, and with :class:`FrameClockMixin` it places it on the
    video's frame clock. Nothing happens when manim writes no movie (``-s``, dry run).
    """
    renderer = scene.renderer
    if getattr(renderer, "_original_skipping_status", False):
        return
    renderer.file_writer.add_sound(str(wav), scene_clock(scene) + offset)


def end_audio_with_video(scene) -> None:
    """Pad the sound track with silence up to the scene's current end (call last in ``construct``)."""
    writer = scene.renderer.file_writer
    if getattr(scene.renderer, "_original_skipping_status", False) or not getattr(writer, "includes_sound", False):
        return
    from manim.scene.scene_file_writer import AudioSegment

    writer.add_audio_segment(AudioSegment.silent(0), time=scene_clock(scene))
