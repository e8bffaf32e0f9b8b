"""What the wide-network experiments of some settings will cost, before computing them.

Every experiment is dominated by dense layers of the ReLU network (``depth`` hidden layers of
width w; the hidden-to-hidden matrices are w × w): one forward and backward pass over ``n`` inputs
costs about ``6·n·depth·w²`` floating-point operations (forward 2·n·w² per layer, backward twice
that).  So, with ``n_grid`` plotted inputs and ``n_train`` training inputs:

* init_band: every width × seed, the NTK column on the grid: ``seeds · Σ_w 6·(n_grid + 1)·depth·w²``;
* training_change: every training width × seed, ``steps`` of full-batch descent on the training
  inputs plus the kernel snapshots on grid and training inputs;
* gp: the ensemble (``ensemble_seeds`` networks of ``ensemble_width``) and the single networks of
  ``net_widths``, ``times[-1] / lr`` steps each, recorded on the test inputs at every time.

Memory is that of the widest network's weights and their gradients, with room for the copies a
compiled step keeps (three of each), plus the batch of activations.  ``FLOPS`` is the rate this
project's two-core CPU machine reaches on each of these programs (measured on the default settings'
experiments while other jobs shared the CPU, so a quiet machine is faster); the seconds are an
estimate to decide whether to ask first, not a promise.
"""

from __future__ import annotations

from typing import NamedTuple

#: Sustained float64 operations per second of each experiment on the reference machine (2 cores),
#: measured on the defaults (2026-12-07, load ≈ 5): init_band 1.65e11 operations in 111 s,
#: training_change 4.44e11 in 124 s, gp 1.26e12 in 288 s.
FLOPS = {"init_band": 1.5e9, "training_change": 3.5e9, "gp": 4.3e9}
#: What a settings file may cost without ``--allow-slow``.
MAX_SECONDS = 600.0
MAX_BYTES = 4 * 1024 ** 3


class Cost(NamedTuple):
    seconds: float            # estimated wall time on the reference machine
    bytes: float              # estimated peak memory of the largest network
    parts: dict               # experiment name -> estimated seconds

    def too_much(self) -> bool:
        return self.seconds > MAX_SECONDS or self.bytes > MAX_BYTES

    def describe(self) -> str:
        parts = ", ".join(f"{k} {v / 60:.1f} min" for k, v in self.parts.items())
        return f"about {self.seconds / 60:.1f} min and {self.bytes / 1024 ** 3:.1f} GB ({parts})"


def _pass(n: int, depth: int, width: int) -> float:
    """Operations of one forward and backward pass of ``n`` inputs."""
    return 6.0 * n * depth * width * width


def _weights(depth: int, width: int) -> float:
    """Bytes of the network's weights (float64)."""
    return 8.0 * (max(depth - 1, 0) * width * width + 4 * width)


def estimate(wide, gp, names=("init_band", "training_change", "gp")) -> Cost:
    """The cost of computing the experiments ``names`` for settings ``wide`` (WideSettings) and
    ``gp`` (GPSettings)."""
    depth = wide.depth
    n_grid = len(wide.grid)
    n_train = len(wide.train_x)
    ops, widest = {}, 1
    if "init_band" in names:
        ops["init_band"] = wide.seeds * sum(_pass(n_grid + 1, depth, w) for w in wide.widths)
        widest = max(widest, max(wide.widths))
    if "training_change" in names:
        snapshots = 9
        ops["training_change"] = wide.train_seeds * sum(
            wide.steps * _pass(n_train, depth, w) + snapshots * _pass(n_grid + n_train, depth, w)
            for w in wide.train_widths)
        widest = max(widest, max(wide.train_widths))
    if "gp" in names:
        steps = round(gp.times[-1] / gp.lr)
        n_test = (wide.x_range[1] - wide.x_range[0]) * gp.samples_per_unit + 1 + n_train
        per_net = lambda w: steps * _pass(n_train, depth, w) + len(gp.times) * _pass(n_test, depth, w)  # noqa: E731
        ops["gp"] = gp.ensemble_seeds * per_net(gp.ensemble_width) + sum(per_net(w) for w in gp.net_widths)
        widest = max(widest, gp.ensemble_width, max(gp.net_widths))
    parts = {k: v / FLOPS[k] for k, v in ops.items()}
    memory = 3 * 2 * _weights(depth, widest) + 8.0 * 3 * (n_grid + n_train) * widest * depth
    return Cost(sum(parts.values()), memory, parts)
