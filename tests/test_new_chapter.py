"""``./render.sh new-chapter NAME``, end to end in a fresh copy of the repository, as the README's
"Add a chapter" section walks through it: the scaffold builds and passes its own tests and the
shared ones, appears in ``--list`` with its number, in the opening's roadmap, renders, and gets its
marker in the stitched video; a bad name is refused in one line and writes nothing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def copy_repository(dest: Path) -> Path:
    """The repository's files as a clone would have them (tracked and new, not ignored)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def run(copy, *args, check=True, **kw):
    env = {**os.environ, "JAX_PLATFORMS": "cpu", "NTK_TEST_CACHE": str(copy.parent / "test-cache")}
    env.pop("NTK_RUNTIME", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    proc = subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, **kw)
    if check:
        assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.e2e
def test_a_new_chapter_is_in_minutes_what_the_readme_says(tmp_path):
    copy = copy_repository(tmp_path / "repo")
    # The README's steps: make it, then test it, render it.
    out = run(copy, "-m", "pipeline", "new-chapter", "my_idea", "--title", "My idea").stdout
    for f in ("scenes/chapters/my_idea.py", "scenes/chapters/my_idea.toml", "tests/test_scene_my_idea.py"):
        assert (copy / f).is_file() and f in out
    listed = run(copy, "-m", "pipeline", "--list").stdout.splitlines()
    names = [ln.split()[1] for ln in listed]
    assert names[-2:] == ["my_idea", "closing"]
    assert listed[-2].split()[0] == str(len(listed) - 2)        # its number is its place
    roadmap = run(copy, "-c", "from scenes.story import roadmap; print(roadmap()[-1])").stdout.strip()
    assert roadmap == f"({len(listed) - 2}, 'My idea.')"
    run(copy, "-m", "pytest", "-n0", "-q", "-p", "no:cacheprovider", "tests/test_scene_my_idea.py",
        "tests/test_script.py", "tests/test_layout.py", "tests/test_structure.py", "-k", "my_idea", timeout=900)
    media = tmp_path / "media"
    run(copy, "-m", "pipeline", "my_idea", "--media-dir", str(media), timeout=900)
    clip = media / "videos" / "my_idea" / "480p15" / "MyIdea.mp4"
    assert clip.is_file()
    # Its marker in the stitched video: the other chapters' clips stand in as one-second clips.
    script = f"""
import av
from pathlib import Path
import sys
sys.path.insert(0, "tests")
from media_helpers import make_video
from pipeline.render import Options
from pipeline.video import stitch_edition
opts = Options(media=Path({str(tmp_path / 'stitched')!r}))
videos = [Path({str(clip)!r}) if c.name == "my_idea" else make_video(Path({str(tmp_path)!r}) / f"{{c.name}}.mp4",
          size=(854, 480)) for c in opts.chapters]
out, _ = stitch_edition(opts, videos, log=lambda *a: None)
with av.open(str(out)) as c:
    print([ch["metadata"]["title"] for ch in c.chapters()])
"""
    titles = run(copy, "-c", script, timeout=300).stdout.strip()
    assert "'My idea'" in titles and titles.index("'My idea'") < titles.index("'Closing")


@pytest.mark.parametrize("args, message", [
    (["new-chapter", "My Idea"], "lower-case letters"),
    (["new-chapter", "linear"], "exists already"),
    (["new-chapter", "my_idea", "--after", "nowhere"], "unknown chapter 'nowhere'"),
])
@pytest.mark.e2e   # a real process
def test_a_bad_new_chapter_is_refused_and_writes_nothing(tmp_path, args, message):
    copy = tmp_path / "repo"
    for rel in ("scenes", "pipeline"):
        shutil.copytree(ROOT / rel, copy / rel, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "tests").mkdir()
    before = sorted(p.relative_to(copy) for p in copy.rglob("*"))
    story = (copy / "scenes/chapters/story.toml").read_text()
    proc = run(copy, "-m", "pipeline", *args, check=False)
    assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert sorted(p.relative_to(copy) for p in copy.rglob("*") if "__pycache__" not in p.parts) == \
           [p for p in before if "__pycache__" not in p.parts]
    assert (copy / "scenes/chapters/story.toml").read_text() == story
