"""The chapters of the explainer in story order: plain data (standard library only), so that the
command line can list and check them before anything is installed."""

from __future__ import annotations

from typing import NamedTuple, Tuple


class Chapter(NamedTuple):
    name: str                 # what users type: ./render.sh NAME
    file: str                 # scene file, relative to the repository root
    scene: str                # scene class in that file
    title: str                # chapter title (progress lines, chapter markers, slides)
    examples: Tuple[str, ...] = ()   # settings sections [examples.NAME] the chapter draws
    data: Tuple[str, ...] = ()       # precomputed wide-network numbers it loads (pipeline cache)

    @property
    def module(self) -> str:
        """The scene file as a module name: ``scenes.ch1_lookup_table``."""
        return self.file[:-3].replace("/", ".")

    @property
    def stem(self) -> str:
        """The scene file's name without ``.py`` (manim's video folder)."""
        return self.file.rsplit("/", 1)[-1][:-3]


CHAPTERS: list = [
    Chapter("opening", "scenes/ch0_opening.py", "Opening", "Opening — the question and the plan",
            examples=("rbf",)),
    Chapter("lookup_table", "scenes/ch1_lookup_table.py", "LookupTable", "Example 1 — a lookup table",
            examples=("lookup_table",)),
    Chapter("linear", "scenes/ch2_linear.py", "LinearModel", "Example 2 — a linear model",
            examples=("linear", "lookup_table")),
    Chapter("ntk_definition", "scenes/ch3_ntk_definition.py", "NTKDefinition", "The neural tangent kernel",
            examples=("linear",)),
    Chapter("reparametrized", "scenes/ch4_reparametrized.py", "Reparametrized",
            "Example 3 — the same line, reparametrized", examples=("reparametrized", "linear")),
    Chapter("rbf", "scenes/ch5_rbf.py", "RBFNetwork", "Example 4 — a tiny RBF network",
            examples=("rbf", "linear", "reparametrized")),
    Chapter("training", "scenes/ch6_training.py", "KernelDuringTraining",
            "Example 5 — the kernel changes as we train", examples=("training",)),
    Chapter("wide_init", "scenes/ch7_wide_init.py", "WideAtInit", "Wide networks at initialization",
            data=("init_band",)),
    Chapter("wide_training", "scenes/ch8_wide_training.py", "WideDuringTraining",
            "Wide networks during training", data=("training_change",)),
    Chapter("kernel_gd", "scenes/ch9_kernel_gd.py", "KernelGradientDescent", "Kernel gradient descent",
            data=("gp",)),
    Chapter("gp_over_time", "scenes/ch10_gaussian_process.py", "GaussianProcessOverTime",
            "Many networks, one Gaussian process", data=("gp",)),
    Chapter("nngp_vs_ntk", "scenes/ch11_nngp_vs_ntk.py", "DontMixKernels", "Don't mix your kernels",
            data=("gp",)),
    Chapter("closing", "scenes/ch12_closing.py", "Closing", "Closing — five lessons and references",
            examples=("linear", "reparametrized", "training"), data=("init_band", "training_change")),
]

QUALITIES = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}  # -ql … -qk
FORMATS = ("mp4", "webm", "gif")


def by_name() -> dict:
    return {c.name: c for c in CHAPTERS}


def quality_folder(quality: str) -> str:
    """manim's folder name for a quality letter: ``"l"`` → ``"480p15"``."""
    return QUALITIES[quality]
