"""The benchmark's arithmetic (no render): the simulated schedule and the profile's split."""

import cProfile

import pytest

from pipeline import bench
from pipeline.cli import parse


def test_the_simulated_wall_time_is_the_longest_first_schedule():
    # 4 jobs on 2 cores, longest first: (8) | (5, 3) ... then 2 goes to the core free first (8 vs 8)
    assert bench.simulated_wall([5, 8, 3, 2], 2) == pytest.approx(10.0)
    assert bench.simulated_wall([5, 8, 3, 2], 1) == pytest.approx(18.0)     # one core: the sum
    assert bench.simulated_wall([5, 8, 3, 2], 64) == pytest.approx(8.0)     # many: the longest job
    costs = [30.0, 20.0, 10.0, 10.0, 5.0]
    for n in (1, 2, 3, 16):
        wall = bench.simulated_wall(costs, n)
        assert max(costs) <= wall <= sum(costs) / n + max(costs) + 1e-9     # Graham's bound


def test_scaling_uses_the_rendered_chapters_only():
    chapters = [{"quality": "l", "render_seconds": s, "cached": c} for s, c in ((40, False), (30, False), (99, True))]
    out = bench.scaling(chapters)
    assert out["total_core_seconds"] == 70 and out["longest_chapter_seconds"] == 40
    assert out["simulated_wall_seconds"] == {"2": 40.0, "16": 40.0, "64": 40.0}


def work():
    return sum(i * i for i in range(20000))


def test_the_profile_split_adds_up_to_the_profiled_time(tmp_path):
    prof = cProfile.Profile()
    prof.runcall(work)
    prof.dump_stats(tmp_path / "p.prof")
    split = bench.profile_split(tmp_path / "p.prof")
    assert set(split) == {name for name, _ in bench.PROFILE_PARTS} | {"other"}
    import pstats
    total = sum(v[2] for v in pstats.Stats(str(tmp_path / "p.prof")).stats.values())
    assert sum(split.values()) == pytest.approx(total)
    assert split["other"] == pytest.approx(total)          # this file is none of manim's parts


def test_bench_quick_is_an_option():
    assert parse(["bench", "--quick"]).quick and not parse(["bench"]).quick
