"""`./render.sh report --plot DIR` (pipeline/plots.py): one PNG per chapter with numbers, each whole, of a
sensible size, drawing ntkcore's numbers in the theme's colours; DIR checked like --media-dir."""

import os
import struct
from pathlib import Path

import numpy as np
import pytest

from ntkcore.settings import DEFAULTS
from pipeline import plots
from pipeline.chapters import by_name
from pipeline.paths import ROOT
from scenes.theme import Theme

matplotlib = pytest.importorskip("matplotlib")


def png_size(path: Path) -> tuple:
    """``(width, height)`` of a PNG file, from its header (and that it is one)."""
    head = Path(path).read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def inputs(wide_data):
    # The default examples and theme; the wide-network numbers of the SMALL test settings (conftest).
    return plots.Inputs(DEFAULTS, Theme(), lambda name: wide_data[name])


def lines_by_gid(fig) -> dict:
    return {ln.get_gid(): ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid()}


# --------------------------------------------------------------------------- the folder


@pytest.mark.parametrize("value, words", [
    ("docs", "inside the repository's docs/"), ("ntkcore/figures", "inside the repository's ntkcore/"),
    (".", "the repository itself"), ("/", "root of the file system"), ("", "an empty path"),
    ("a%b", "contains '%'"),
])
def test_plot_dir_refuses_what_media_dir_refuses(value, words):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert words in plots.plot_dir_problem(value)
    finally:
        os.chdir(cwd)


def test_plot_dir_accepts_a_folder_of_its_own(tmp_path):
    assert plots.plot_dir_problem(str(tmp_path / "handout")) is None
    assert plots.plot_dir_problem(str(ROOT / "media" / "plots")) is None
    (tmp_path / "f.png").write_bytes(b"")
    assert "is a file, not a folder" in plots.plot_dir_problem(str(tmp_path / "f.png"))


def test_the_command_line_refuses_a_tracked_folder_in_one_line(capsys):
    from pipeline.cli import parse

    with pytest.raises(SystemExit) as err:
        parse(["report", "--plot", str(ROOT / "docs")])
    assert err.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "--plot" in lines[0] and "inside the repository's docs/" in lines[0]
    assert parse(["report", "--plot", "media/plots", "--gp"]).plot == "media/plots"


def test_the_options_choose_the_chapters():
    from argparse import Namespace

    names = lambda **kw: [c.name for c in plots.figure_chapters(Namespace(**kw))]   # noqa: E731
    assert names() == list(plots.FIGURES)                 # all, in story order (FIGURES is)
    assert names(example=["linear"]) == ["linear", "ntk_definition"]
    assert names(wide=True) == ["wide_init", "wide_training"]
    assert names(gp=True) == ["kernel_gd", "gp_over_time", "nngp_vs_ntk"]
    assert [by_name()[n].number for n in names()] == list(range(1, 12))


# --------------------------------------------------------------------------- the figures


def test_every_figure_is_written_whole(tmp_path, inputs):
    chapters = [by_name()[n] for n in plots.FIGURES]
    written = plots.write_plots(tmp_path / "handout", inputs, chapters)
    assert [p.name for p in written] == [f"{c.number:02d}_{c.name}.png" for c in chapters]
    assert sorted(p.name for p in (tmp_path / "handout").iterdir()) == sorted(p.name for p in written)  # no partials
    for p in written:
        w, h = png_size(p)
        assert 1200 <= w <= 2400 and 800 <= h <= 1300, (p.name, w, h)
        assert 30_000 < p.stat().st_size < 3_000_000, p.name


def test_the_linear_figure_draws_ntkcore_numbers(inputs):
    ex = DEFAULTS.example("linear")
    fig = plots.make_figure(by_name()["linear"], inputs)
    lines = lines_by_gid(fig)
    np.testing.assert_array_equal(lines["f"].get_xdata(), ex.grid)
    np.testing.assert_array_equal(lines["f"].get_ydata(), ex.values())
    np.testing.assert_allclose(lines["sign_change"].get_xdata(), [-0.1, -0.1], atol=1e-6)
    arrows = [c for ax in fig.axes for c in ax.collections if c.get_gid() == "step"][0]
    np.testing.assert_array_equal(arrows.V, ex.displacement())          # the red arrows: Δf at every x
    np.testing.assert_array_equal(arrows.U, 0.0)
    assert matplotlib.colors.to_hex(arrows.get_facecolor()[0]).upper() == Theme().arrow
    assert fig._suptitle.get_text() == "2. Example 2 — a linear model"
    assert "Δf(x) = 0.38x + 0.038" in fig._supxlabel.get_text()


def test_the_rbf_and_wide_figures_draw_ntkcore_numbers(inputs, wide_data):
    from ntkcore.sweeps import eta_sweep

    ex = DEFAULTS.example("rbf")
    fig = plots.make_figure(by_name()["rbf"], inputs)
    lines = lines_by_gid(fig)
    fine = lines["ntk"].get_xdata()
    np.testing.assert_allclose(lines["ntk"].get_ydata(), eta_sweep(ex, [1.0], fine).ntk_fine, atol=1e-12)
    np.testing.assert_array_equal(lines["step_kernel_grid"].get_ydata(), ex.kernel_finite_normalized())
    assert lines["ntk"].get_color().upper() == Theme().ntk_exact

    fig = plots.make_figure(by_name()["wide_init"], inputs)
    lines = lines_by_gid(fig)
    d = wide_data["init_band"]
    np.testing.assert_array_equal(lines["ntk"].get_ydata(), d["analytic_ntk"])
    np.testing.assert_array_equal(lines["spread"].get_ydata(), d["spread"])

    fig = plots.make_figure(by_name()["nngp_vs_ntk"], inputs)
    lines = lines_by_gid(fig)
    d = wide_data["gp"]
    np.testing.assert_array_equal(lines["ntk_mean"].get_ydata(), d["ntk_gp_inf_mean"])
    np.testing.assert_allclose(lines["ntk_edge_hi"].get_ydata(), d["ntk_gp_inf_mean"] + 2 * d["ntk_gp_inf_std"])
    np.testing.assert_array_equal(lines["train"].get_xdata(), d["x_train_post"])


def test_a_settings_files_theme_colours_the_figures(inputs):
    theme = Theme.from_settings({"arrow": "#C0150A"})
    mine = plots.Inputs(DEFAULTS, theme, inputs.data)
    fig = plots.make_figure(by_name()["lookup_table"], mine)
    arrows = [c for ax in fig.axes for c in ax.collections if c.get_gid() == "step"][0]
    assert matplotlib.colors.to_hex(arrows.get_facecolor()[0]).upper() == "#C0150A"


def test_report_plot_through_the_command_line(tmp_path, wide_data, capsys):
    # --gp: the chapters 9–11 figures, from the data cache (the SMALL settings' numbers, already computed).
    from pipeline.cli import main as cli

    wide_data.file("gp")
    media = tmp_path / "media"
    media.mkdir()
    (media / "cache").symlink_to(wide_data.cache, target_is_directory=True)
    out = tmp_path / "figs"
    argv = ["report", "--plot", str(out), "--gp", "--config", str(wide_data.settings_file), "--media-dir", str(media)]
    assert cli(argv) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / f"{n:02d}_{c}.png") for n, c in ((9, "kernel_gd"), (10, "gp_over_time"),
                                                                    (11, "nngp_vs_ntk"))]
    assert all(png_size(p) for p in printed)
    assert cli(["report", "--plot", str(out), "--example", "nope"]) == 2
    assert "unknown example 'nope'" in capsys.readouterr().err
