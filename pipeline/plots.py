"""``report --plot DIR``: each chapter's key figure as a PNG, drawn with matplotlib, for a lecturer who
wants a static figure for a handout.

One figure per chapter that has numbers (chapters 1–11), named ``NN_<chapter>.png`` (its number in
the story): the step's red arrows on the dots (1, 2), the step's kernel on the line x·x′ + 1 (3),
the two kernels of Example 3 (4), Example 4's step kernel against the exact NTK (5), Example 5's
kernels over training, purple → orange (6), the wide networks' kernels closing in on Θ (7) and
their change against width (8), networks against kernel gradient descent (9), the NTK-GP band over
many networks (10), the NNGP posterior against the NTK-GP (11).  Every number is ntkcore's (the
examples' methods, ``ntkcore.report``'s facts, the cached wide-network experiments); every colour is
the theme's (``scenes/theme.py``, so a settings file's ``[theme]`` colours the figures too).  Each
file is written whole or not at all (a temporary file renamed into place).

Standard library only at import: the command line checks ``--plot DIR`` (:func:`plot_dir`) before
anything is installed; matplotlib (the ``test`` and ``notebook`` extras) is imported when drawing.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

#: Figure size in inches and resolution: 1500 × 900 pixels, sharp on paper at half a page's width.
SIZE, WIDE_SIZE, DPI = (10.0, 6.0), (14.0, 5.6), 150
#: A band is mean ± BAND_STDS standard deviations (as the chapters draw it).
BAND_STDS = 2.0


# --------------------------------------------------------------------------- the folder


def plot_dir_problem(value: str) -> str | None:
    """Why ``--plot value`` is refused (None: fine): what ``--media-dir`` refuses (a bad path, the
    root of a file system, the repository itself or one of its tracked folders), or an existing file."""
    from pipeline.paths import folder_problem

    problem = folder_problem(value, "--plot", "e.g. media/plots")
    if problem:
        return problem
    p = Path(value).expanduser().resolve()
    if p.exists() and not p.is_dir():
        return f"--plot: {value!r} is a file, not a folder"
    return None


def plot_dir(value: str) -> str:
    """``argparse`` type of ``--plot DIR``: the value, or a one-line refusal."""
    problem = plot_dir_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem.removeprefix("--plot: "))
    return value


# --------------------------------------------------------------------------- which figures


def figure_chapters(args=None) -> list:
    """The chapters (``scenes.story.Chapter``) whose figures ``report`` options ask for, in story order:
    ``--example NAME`` those chapters about that example (its first declared example), ``--wide`` chapters
    7–8, ``--gp`` 9–11, none of them all."""
    from pipeline.chapters import CHAPTERS

    have = [c for c in CHAPTERS if c.name in FIGURES]
    examples = getattr(args, "example", None) or []
    wide, gp = getattr(args, "wide", False), getattr(args, "gp", False)
    if not (examples or wide or gp):
        return have
    chosen = []
    for c in have:
        if (c.examples and c.examples[0] in examples) or (wide and set(c.data) & {"init_band", "training_change"}) \
                or (gp and "gp" in c.data):
            chosen.append(c)
    return chosen


class Inputs:
    """What a figure reads: the settings, their theme, and ``experiment(name)`` (a wide-network
    experiment's arrays, from the pipeline's cache)."""

    def __init__(self, settings, theme, experiment):
        self.settings, self.theme, self._experiment = settings, theme, experiment
        self._data = {}

    def data(self, name: str) -> dict:
        if name not in self._data:
            self._data[name] = self._experiment(name)
        return self._data[name]


def make_figure(chapter, inputs: Inputs):
    """Chapter ``chapter``'s key figure (a ``matplotlib.figure.Figure``, not saved)."""
    fig = FIGURES[chapter.name](inputs)
    fig.suptitle(chapter.label, x=0.01, ha="left", fontsize=15, fontweight="bold", color=inputs.theme.ink)
    return fig


def file_name(chapter) -> str:
    return f"{chapter.number:02d}_{chapter.name}.png"


def save_png(fig, path: Path) -> Path:
    """Write ``fig`` to ``path`` as a PNG, whole or not at all."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.partial.png")
    try:
        fig.savefig(tmp, format="png", dpi=DPI, facecolor=fig.get_facecolor())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_plots(out_dir, inputs: Inputs, chapters, log=None) -> list:
    """Every figure of ``chapters`` into ``out_dir`` (made if missing); returns the files written."""
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for c in chapters:
        fig = make_figure(c, inputs)
        written.append(save_png(fig, out / file_name(c)))
        if log:
            log(str(written[-1]))
    return written


# --------------------------------------------------------------------------- drawing helpers


def _figure(theme, size=SIZE, ncols=1, nrows=1, **kw):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI, facecolor=theme.background, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    for ax in axes.flat:
        _style(ax, theme)
    flat = list(axes.flat)
    return fig, (flat[0] if len(flat) == 1 else flat)


def _style(ax, theme):
    ax.set_facecolor(theme.background)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(theme.axis)
    ax.tick_params(colors=theme.ink, labelsize=10)
    ax.grid(True, color=theme.grid, linewidth=0.8)
    ax.set_axisbelow(True)


def _labels(ax, theme, x: str, y: str, title: str = ""):
    ax.set_xlabel(x, color=theme.ink, fontsize=12)
    ax.set_ylabel(y, color=theme.ink, fontsize=12)
    if title:
        ax.set_title(title, color=theme.ink, fontsize=11.5, loc="left")


def _subtitle(fig, theme, text: str):
    """The figure's message (the chapter's key fact) under the plots, wrapped to the figure's width
    (constrained layout keeps room for it)."""
    import textwrap

    width = int(fig.get_figwidth() * 12.5)         # characters of 11 pt DejaVu Sans per line, about
    fig.supxlabel(textwrap.fill(text, width), x=0.01, ha="left", fontsize=11, color=theme.ink,
                  linespacing=1.3)


def _legend(ax, theme, **kw):
    leg = ax.legend(**{"frameon": True, "fontsize": 10, "labelcolor": theme.ink, **kw})
    leg.get_frame().set_edgecolor(theme.grid)
    return leg


def _zero(ax, theme):
    ax.axhline(0.0, color=theme.axis, linewidth=1.0, zorder=1)


def _x_prime(ax, theme, x: float):
    """A dotted vertical line at the observation's x, named at its foot."""
    ax.axvline(x, color=theme.axis, linewidth=1.0, linestyle=":", zorder=1)
    ax.annotate(f"x′ = {_g(x)}", (x, 0.0), xycoords=("data", "axes fraction"), xytext=(4, 4),
                textcoords="offset points", color=theme.axis, fontsize=10, va="bottom")


def _g(v) -> str:
    from scenes.formatting import fmt_g
    return fmt_g(float(v))


def _f(v, digits=2) -> str:
    from scenes.formatting import fmt
    return fmt(float(v), digits)


def _pct(v) -> str:
    from scenes.formatting import percent
    return percent(float(v))


def _dots_and_step(ax, ex, theme, arrows=True):
    """Example ``ex``'s dots f(x; θ0), its observation and, when ``arrows``, one gradient step's red arrows."""
    import numpy as np
    from matplotlib.lines import Line2D

    xs, f0, d = ex.grid, ex.values(), ex.displacement()
    x_obs, y_obs = ex.observation
    (dots,) = ax.plot(xs, f0, "o", color=theme.dot, markersize=5, zorder=3, label="f(x; θ) before the step")
    dots.set_gid("f")
    handles = [dots]
    if arrows:
        # true lengths (the units of f); a short arrow gets a small head, as long as it is
        q = ax.quiver(xs, f0, np.zeros_like(d), d, angles="xy", scale_units="xy", scale=1, color=theme.arrow,
                      width=0.0035, headwidth=3.5, headlength=4.5, headaxislength=4, minlength=0.2, zorder=4)
        q.set_gid("step")
        ax.update_datalim(np.column_stack([xs, f0 + d]))      # a quiver does not widen the axes itself
        ax.autoscale_view()
        handles.append(Line2D([], [], color=theme.arrow, linewidth=2.2, marker=">", markersize=6,
                              label="one gradient step: Δf(x)"))
    (cross,) = ax.plot([x_obs], [y_obs], "x", color=theme.observation, markersize=12, markeredgewidth=3, zorder=5,
                       label=f"observation (x′, y) = ({_g(x_obs)}, {_g(y_obs)})")
    cross.set_gid("observation")
    handles.append(cross)
    _labels(ax, theme, "x", "f(x)")
    return handles


def _facts(ex) -> dict:
    from ntkcore.report import example_facts
    return example_facts(ex).values


# --------------------------------------------------------------------------- chapters 1–6


def fig_lookup_table(inputs):
    th, ex = inputs.theme, inputs.settings.example("lookup_table")
    fig, ax = _figure(th)
    facts = _facts(ex)
    _legend(ax, th, handles=_dots_and_step(ax, ex, th), loc="upper left")
    (name, (before, after)), = facts["parameters_changed"].items()
    _subtitle(fig, th, f"One gradient step (learning rate {_g(ex.lr)}) changes only {name} ({_g(before)} → {_g(after)}): "
                       f"it moves {facts['dots_moved']['moved']} of {facts['dots_moved']['of']} dots. "
                       f"k(x, x′) = 1 if x = x′, else 0.")
    return fig


def fig_linear(inputs):
    th, ex = inputs.theme, inputs.settings.example("linear")
    fig, ax = _figure(th)
    facts = _facts(ex)
    handles = _dots_and_step(ax, ex, th)
    x0 = facts.get("sign_change_x")
    if x0 is not None:
        line = ax.axvline(x0, color=th.axis, linestyle="--", linewidth=1.4, zorder=2,
                          label=f"Δf changes sign at x = {_g(x0)}")
        line.set_gid("sign_change")
        handles.append(line)
    _legend(ax, th, handles=handles, loc="upper left")
    before, after = facts["theta_before"], facts["theta_after"]
    step = facts.get("step", "")
    _subtitle(fig, th, f"One step (learning rate {_g(ex.lr)}) moves every dot: {step}"
                       + (f", down left of x = {_g(x0)}" if x0 is not None else "")
                       + f".  θ = ({', '.join(_g(v) for v in before)}) → ({', '.join(_g(v) for v in after)}).")
    return fig


def fig_ntk_definition(inputs):
    th, ex = inputs.theme, inputs.settings.example("linear")
    fig, ax = _figure(th)
    facts = _facts(ex)
    x_obs = ex.observation[0]
    eta = ex.step_eta()
    k_step = ex.kernel_finite()            # Δf(x)/η on the grid
    k = ex.ntk_column()                    # exact k(x, x′)
    (exact,) = ax.plot(ex.grid, k, color=th.ntk_exact, linewidth=2.5, zorder=2,
                       label=f"exact NTK: {facts.get('kernel', 'k(x, x′)')}")
    exact.set_gid("ntk")
    (dots,) = ax.plot(ex.grid, k_step, "o", color=th.highlight, markersize=6, zorder=3,
                      label=f"the step's kernel k̃_η(x, x′) = Δf(x)/η, η = {_f(eta, 3)}")
    dots.set_gid("step_kernel")
    _zero(ax, th)
    _x_prime(ax, th, x_obs)
    _labels(ax, th, "x", f"k(x, {_g(x_obs)})")
    _legend(ax, th, loc="upper left")
    _subtitle(fig, th, f"Example 2's step divided by its push η lies on the exact NTK: f is linear in θ, so "
                       f"k̃_η = k for every η.  {facts.get('kernel', '')}.")
    return fig


def fig_reparametrized(inputs):
    th = inputs.theme
    lin, re = inputs.settings.example("linear"), inputs.settings.example("reparametrized")
    fig, (a1, a2) = _figure(th, size=WIDE_SIZE, ncols=2)
    fl, fr = _facts(lin), _facts(re)
    for ax, ex, facts in ((a1, lin, fl), (a2, re, fr)):
        _legend(ax, th, handles=_dots_and_step(ax, ex, th), loc="upper left", fontsize=9)
        ax.set_title(f"{ex.title}: {facts.get('step', '')}", color=th.ink, fontsize=11.5, loc="left")
    # each model's exact NTK k(x, x′) in a small axis at the panel's lower right
    for ax, ex, facts in ((a1, lin, fl), (a2, re, fr)):
        ins = ax.inset_axes([0.58, 0.07, 0.39, 0.36])
        _style(ins, th)
        (kl,) = ins.plot(ex.grid, ex.ntk_column(), color=th.ntk_exact, linewidth=2.2)
        kl.set_gid("ntk")
        ins.set_title(facts.get("kernel", ""), color=th.ntk_exact, fontsize=10, loc="left")
        ins.set_xlabel("x", fontsize=9, color=th.ink, labelpad=1)
        ins.tick_params(labelsize=8)
    _subtitle(fig, th, f"The same function and the same data, a different parametrization: the kernels "
                       f"{fl.get('kernel', '')} and {fr.get('kernel', '')} differ, and so do the steps "
                       f"(learning rate {_g(re.lr)} in both).")
    return fig


def fig_rbf(inputs):
    import numpy as np
    from ntkcore.sweeps import eta_sweep

    th, ex = inputs.theme, inputs.settings.example("rbf")
    fig, (top, bottom) = _figure(th, size=(10.0, 8.0), nrows=2, sharex=True)
    facts = _facts(ex)
    lo, hi = ex.x_range
    fine = np.linspace(lo, hi, 601)
    sweep = eta_sweep(ex, [1.0], fine)
    import ntkcore
    top.plot(fine, np.asarray(ntkcore.values(ex.f, ex.theta, fine)), color=th.axis, linewidth=1.2, zorder=2)
    _legend(top, th, handles=_dots_and_step(top, ex, th), loc="lower right")
    top.set_xlabel("")
    x_obs = ex.observation[0]
    (fine_step,) = bottom.plot(fine, sweep.finite_fine[0], color=th.arrow, linewidth=2.0, zorder=2,
                               label="the step's kernel Δf(x)/Δf(x′)")
    fine_step.set_gid("step_kernel")
    (dots,) = bottom.plot(ex.grid, ex.kernel_finite_normalized(), "o", color=th.arrow, markersize=5, zorder=3)
    dots.set_gid("step_kernel_grid")
    (exact,) = bottom.plot(fine, sweep.ntk_fine, color=th.ntk_exact, linewidth=2.5, zorder=2,
                           label="exact NTK k(x, x′)/k(x′, x′) (η → 0)")
    exact.set_gid("ntk")
    for key, colour in (("step_kernel_peak", th.arrow), ("ntk_peak", th.ntk_exact)):
        p = facts[key]
        bottom.plot([p["x"]], [p["value"]], "o", markersize=11, markerfacecolor="none", markeredgecolor=th.highlight,
                    markeredgewidth=2, zorder=4)
        exact = key == "ntk_peak"
        bottom.annotate(f"peak x ≈ {_f(p['x'], 1)}", (p["x"], p["value"]), xytext=(45, 22) if exact else (-45, 12),
                        textcoords="offset points", ha="left" if exact else "right", va="bottom", color=colour,
                        fontsize=10, arrowprops=dict(arrowstyle="-", color=colour, linewidth=1, shrinkB=7))
    _zero(bottom, th)
    _x_prime(bottom, th, x_obs)
    _labels(bottom, th, "x", f"kernel at x′ = {_g(x_obs)}, over its value at x′")
    _legend(bottom, th, loc="upper left")
    mn = facts["step_kernel_min"]
    _subtitle(fig, th, f"The step's kernel peaks at x ≈ {_f(facts['step_kernel_peak']['x'], 1)}, not at x′, goes "
                       f"negative (lowest {_f(mn['value'], 2)} at x = {_g(mn['x'])}) and levels off at "
                       f"{_f(facts['step_kernel_tails'][0], 2)} / {_f(facts['step_kernel_tails'][1], 2)}; as η → 0 it "
                       f"becomes the exact NTK (peak x ≈ {_f(facts['ntk_peak']['x'], 1)}).")
    return fig


def fig_training(inputs):
    from matplotlib.lines import Line2D
    from ntkcore.kernel_shares import example_ntk_kernels

    th, ex = inputs.theme, inputs.settings.example("training")
    fig, ax = _figure(th)
    facts = _facts(ex)
    T = ex.steps
    k = example_ntk_kernels(ex)             # (T+1, n)
    for n in range(T + 1):
        (line,) = ax.plot(ex.grid, k[n], color=th.training_color(n, T), linewidth=2.6 if n in (0, T) else 1.3,
                          zorder=3 if n in (0, T) else 2, marker="o" if n in (0, T) else None, markersize=3)
        line.set_gid(f"kernel_{n}")
    _zero(ax, th)
    _x_prime(ax, th, ex.observation[0])
    _labels(ax, th, "x", f"k(x, {_g(ex.observation[0])}) / k({_g(ex.observation[0])}, {_g(ex.observation[0])})")
    handles = [Line2D([], [], color=th.training_color(0, T), linewidth=2.6, label="n = 0 (before training)")]
    handles += [Line2D([], [], color=th.training_color(T / 2, T), linewidth=1.3, label="…")]
    handles += [Line2D([], [], color=th.training_color(T, T), linewidth=2.6, label=f"n = {T} (after)")]
    _legend(ax, th, handles=handles, loc="upper right", title="exact NTK at gradient-ascent step n")
    sp = facts["kernel_spread_start_end"]
    offset = [name for name in facts["shares_start"] if "offset" in name]
    share = (f"; the offset's share of k(x′, x′) grows {_pct(facts['shares_start'][offset[0]])} → "
             f"{_pct(facts['shares_end'][offset[0]])}") if offset else ""
    _subtitle(fig, th, f"Training changes the kernel: after {T} steps it is flatter (max − min {_f(sp[0])} → "
                       f"{_f(sp[1])}){share}.")
    return fig


# --------------------------------------------------------------------------- chapters 7–8: wide networks


def _width_fit(ax, th, widths, values, label: str) -> None:
    """The least-squares line of log ``values`` against log width, dashed, on log–log axes."""
    import numpy as np

    logw = np.log(np.asarray(widths, dtype=float))
    a = np.polyfit(logw, np.log(values), 1)
    ax.plot(widths, np.exp(np.polyval(a, logw)), color=th.axis, linewidth=1.5, linestyle="--", zorder=2, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")


def fig_wide_init(inputs):
    import numpy as np

    th, s = inputs.theme, inputs.settings.wide
    d = inputs.data("init_band")
    fig, (band, loglog) = _figure(th, size=WIDE_SIZE, ncols=2, gridspec_kw={"width_ratios": [1.6, 1]})
    widths, curves = np.asarray(d["widths"]), np.asarray(d["curves"])
    W = len(widths)
    for i in range(W):
        colour = th.width_color(i, W)
        band.fill_between(d["x"], curves[i].min(axis=0), curves[i].max(axis=0), color=colour, alpha=0.45,
                          linewidth=0, zorder=2 + i, label=f"width {int(widths[i])}: {curves.shape[1]} networks")
    (theta,) = band.plot(d["x"], d["analytic_ntk"], color=th.ntk_exact, linewidth=2.8, zorder=10,
                         label="Θ(x, x′): infinite width")
    theta.set_gid("ntk")
    _x_prime(band, th, s.x_obs)
    _labels(band, th, "x", f"k(x, {_g(s.x_obs)}) at initialization", "each band: lowest to highest of the random networks")
    _legend(band, th, loc="upper left", fontsize=9)
    spread = np.asarray(d["spread"])
    for i in range(W):
        loglog.plot([widths[i]], [spread[i]], "o", color=th.width_color(i, W), markersize=9, zorder=3)
    (pts,) = loglog.plot(widths, spread, linestyle="none")
    pts.set_gid("spread")
    slope = float(d["spread_slope"])
    _width_fit(loglog, th, widths, spread, f"fit: spread ∝ width^{_f(slope)}")
    _labels(loglog, th, "width", "seed-to-seed spread of k(·, x′) / mean |Θ|", "spread against width (log–log)")
    _legend(loglog, th, loc="upper right")
    _subtitle(fig, th, f"Random ReLU networks (depth {s.depth}) of widths {int(widths[0])}…{int(widths[-1])}: their "
                       f"kernels close in on the analytic Θ; the spread shrinks like width^{_f(slope)} (theory: −0.5).")
    return fig


def fig_wide_training(inputs):
    import numpy as np

    th, s = inputs.theme, inputs.settings.wide
    d = inputs.data("training_change")
    fig, axes = _figure(th, size=(15.0, 5.4), ncols=3, gridspec_kw={"width_ratios": [1, 1, 1.1]})
    widths, seed = np.asarray(d["widths"]), int(d["drawn_seed"])
    steps = np.asarray(d["snap_steps"])
    K, T = len(steps), int(steps[-1])
    for ax, i in zip(axes[:2], (0, len(widths) - 1)):
        for j in range(K):
            (line,) = ax.plot(d["x"], d["k_steps"][i, j], color=th.training_color(float(steps[j]), T),
                              linewidth=2.4 if j in (0, K - 1) else 1.1, zorder=3 if j in (0, K - 1) else 2)
            line.set_gid(f"k_{i}_{j}")
        _x_prime(ax, th, s.x_obs)
        change = float(d["col_change"][i, seed])
        _labels(ax, th, "x", f"k_t(x, {_g(s.x_obs)})", f"width {int(widths[i])}: the column moves {_pct(change)}")
        ax.title.set_color(th.width_color(i, len(widths)))
    axes[0].plot([], [], color=th.training_color(0, T), linewidth=2.4, label="step 0")
    axes[0].plot([], [], color=th.training_color(T, T), linewidth=2.4, label=f"step {T}")
    _legend(axes[0], th, loc="upper left")
    ll = axes[2]
    rc = np.asarray(d["rel_change"])
    W = len(widths)
    for i in range(W):
        ll.plot(np.full(rc.shape[1], widths[i]), rc[i], ".", color=th.width_color(i, W), markersize=7, alpha=0.7)
        ll.plot([widths[i]], [rc[i].mean()], "o", color=th.width_color(i, W), markersize=10, zorder=3)
    (pts,) = ll.plot(widths, rc.mean(axis=1), linestyle="none")
    pts.set_gid("rel_change_mean")
    slope = float(d["rel_change_slope"])
    _width_fit(ll, th, widths, rc.mean(axis=1), f"fit: change ∝ width^{_f(slope)}")
    _labels(ll, th, "width", "‖k_T − k_0‖_F / ‖k_0‖_F", "change of the whole kernel matrix (log–log)")
    _legend(ll, th, loc="upper right")
    _subtitle(fig, th, f"Full-batch gradient descent, {T} steps of learning rate {_g(s.lr)}: the wider the network, "
                       f"the less its NTK moves (∝ width^{_f(slope)}; between −0.5 and −1).")
    return fig


# --------------------------------------------------------------------------- chapters 9–11: kernel GD, GPs


def _scaled_y(s) -> str:
    return f"f(x), scaled: (y − {_g(s.y_shift)}) / {_g(s.y_scale)}"


def _training_points(ax, theme, d):
    (pts,) = ax.plot(d["x_train_post"], d["y_train"], "o", color=theme.dot, markersize=7, zorder=6,
                     label="training data (X, Y)")
    pts.set_gid("train")
    return pts


def fig_kernel_gd(inputs):
    import numpy as np
    from ntkcore.facts import rms_gaps_over_time

    th, s = inputs.theme, inputs.settings.wide
    d = inputs.data("gp")
    x, times, widths = np.asarray(d["x_grid"]), np.asarray(d["times"]), np.asarray(d["net_widths"])
    W = len(widths)
    fig, axes = _figure(th, size=WIDE_SIZE, ncols=2, sharey=True)
    shown = [(W - 1, axes[0]), (0, axes[1])]
    gaps = {}
    for i, ax in shown:
        gaps[i] = rms_gaps_over_time(d["net_f"][i], d["net_kgd_empirical"][i])
        for k in range(1, len(times)):
            last = k == len(times) - 1
            (kgd,) = ax.plot(x, d["net_kgd_empirical"][i][k], color=th.kernel_start, linewidth=7, alpha=0.35,
                             solid_capstyle="round", zorder=2, label="kernel GD with its initial NTK k₀" if last else None)
            kgd.set_gid(f"kgd_{i}_{k}")
            (net,) = ax.plot(x, d["net_f"][i][k], color=th.dot, linewidth=1.4, zorder=3,
                             label="the network, trained by gradient descent" if last else None)
            net.set_gid(f"net_{i}_{k}")
        if i == W - 1:
            ax.plot(x, d["net_kgd_analytic"][i][-1], color=th.ntk_exact, linewidth=2, linestyle="--", zorder=4,
                    label="kernel GD with Θ (infinite width)")
        (f0,) = ax.plot(x, d["net_f"][i][0], color=th.moved_dot, linewidth=1.2, linestyle=":", zorder=2,
                        label="f₀: at initialization")
        _training_points(ax, th, d)
        _labels(ax, th, "x", _scaled_y(s) if i == W - 1 else "",
                f"width {int(widths[i])}: RMS gap to kernel GD ≤ {_f(gaps[i].max(), 3)} up to t = {_g(times[-1])}")
        ax.title.set_color(th.width_color(0 if i == 0 else 1, 2))
    # one legend, in room made above the wide network's curves
    lo, hi = axes[0].get_ylim()
    axes[0].set_ylim(lo, hi + 0.3 * (hi - lo))
    _legend(axes[0], th, loc="upper center", fontsize=9, ncols=2)
    _subtitle(fig, th, f"df/dt = −k₀(x, X)(f(X) − Y): at t = {', '.join(_g(t) for t in times[1:])} (learning rate "
                       f"{_g(d['lr'])}), the width-{int(widths[-1])} network moves with its kernel-GD twin; the "
                       f"width-{int(widths[0])} one parts from it (its NTK moves {_pct(d['net_theta_change'][0])}).")
    return fig


def fig_gp_over_time(inputs):
    import numpy as np
    from ntkcore.facts import agreeing_prefix, ensemble_agreement

    th, s = inputs.theme, inputs.settings.wide
    d = inputs.data("gp")
    x, times = np.asarray(d["x_grid"]), np.asarray(d["times"])
    with np.errstate(divide="ignore", invalid="ignore"):        # σ = 0 at the data once it is fitted
        ag = ensemble_agreement(d["ens_mean"], d["ens_std"], d["ntk_gp_gd_mean"], d["ntk_gp_gd_std"])
    n_agree = max(1, agreeing_prefix(ag.agree))
    k_late = n_agree - 1 if n_agree > 1 else len(times) - 1
    fig, axes = _figure(th, size=WIDE_SIZE, ncols=2, sharey=True)
    for ax, k in zip(axes, (0, k_late)):
        mean, std = np.asarray(d["ntk_gp_gd_mean"][k]), np.asarray(d["ntk_gp_gd_std"][k])
        colour = th.nngp if k == 0 else th.ntk_exact
        name = "prior GP(0, K)" if k == 0 else "NTK-GP"
        band = ax.fill_between(x, mean - BAND_STDS * std, mean + BAND_STDS * std, color=colour, alpha=0.3,
                               linewidth=0, zorder=2, label=f"{name}: mean ± {_g(BAND_STDS)} std")
        band.set_gid(f"band_{k}")
        (m,) = ax.plot(x, mean, color=colour, linewidth=2.5, zorder=3, label=f"{name}: mean")
        m.set_gid(f"gp_mean_{k}")
        for c, curve in enumerate(d["ens_curves"][:, k]):
            ax.plot(x, curve, color=th.dot, linewidth=0.8, alpha=0.35, zorder=4,
                    label=f"{len(d['ens_curves'])} of {int(d['ens_seeds'])} networks (width {int(d['ens_width'])})"
                    if c == 0 else None)
        if k:
            inf_m, inf_s = np.asarray(d["ntk_gp_inf_mean"]), np.asarray(d["ntk_gp_inf_std"])
            for sign in (-1, 1):
                ax.plot(x, inf_m + sign * BAND_STDS * inf_s, color=th.ntk_exact, linewidth=1.2, linestyle="--",
                        zorder=3, label="NTK-GP at t = ∞: mean ± 2 std" if sign < 0 else None)
        _training_points(ax, th, d)
        _labels(ax, th, "x", _scaled_y(s) if k == 0 else "", f"t = {_g(times[k])}")
        _legend(ax, th, loc="lower left", fontsize=9)
    worst = max(float(ag.mean_off[:n_agree].max()), float(ag.std_off[:n_agree].max()))
    _subtitle(fig, th, f"{int(d['ens_seeds'])} networks trained from random starts spread like the NTK Gaussian "
                       f"process: mean and std within {_f(worst, 2)} GP std of it up to t = {_g(times[n_agree - 1])}; "
                       f"as t → ∞ the band pinches to the data.")
    return fig


def fig_nngp_vs_ntk(inputs):
    import numpy as np
    from ntkcore.facts import away_from, largest_gap, std_ratio_range
    from ntkcore.report import AWAY

    th, s = inputs.theme, inputs.settings.wide
    d = inputs.data("gp")
    x = np.asarray(d["x_grid"])
    fig, ax = _figure(th)
    means = {"nngp": np.asarray(d["nngp_mean"]), "ntk": np.asarray(d["ntk_gp_inf_mean"])}
    stds = {"nngp": np.asarray(d["nngp_std"]), "ntk": np.asarray(d["ntk_gp_inf_std"])}
    band = ax.fill_between(x, means["nngp"] - BAND_STDS * stds["nngp"], means["nngp"] + BAND_STDS * stds["nngp"],
                           color=th.nngp, alpha=0.35, linewidth=0, zorder=2,
                           label="NNGP posterior (Bayes, prior GP(0, K)): mean ± 2 std")
    band.set_gid("nngp_band")
    (nm,) = ax.plot(x, means["nngp"], color=th.nngp, linewidth=2.5, zorder=3, label="NNGP posterior mean")
    nm.set_gid("nngp_mean")
    for sign in (-1, 1):
        (edge,) = ax.plot(x, means["ntk"] + sign * BAND_STDS * stds["ntk"], color=th.ntk_exact, linewidth=1.6,
                          linestyle="--", zorder=4,
                          label="NTK-GP at t = ∞ (gradient descent): mean ± 2 std" if sign < 0 else None)
        edge.set_gid(f"ntk_edge_{'lo' if sign < 0 else 'hi'}")
    (tm,) = ax.plot(x, means["ntk"], color=th.ntk_exact, linewidth=2.5, zorder=4, label="NTK-GP mean")
    tm.set_gid("ntk_mean")
    _training_points(ax, th, d)
    k, gap = largest_gap(means["nngp"], means["ntk"])
    ax.annotate(f"means differ most here: {_f(gap, 2)}", (x[k], means["ntk"][k]), xytext=(-12, -34),
                textcoords="offset points", ha="right", color=th.highlight, fontsize=10,
                arrowprops=dict(arrowstyle="-", color=th.highlight, linewidth=1.2))
    _labels(ax, th, "x", _scaled_y(s))
    _legend(ax, th, loc="lower left", fontsize=9)
    off = away_from(x, d["x_train_post"], AWAY)
    ratio = (f"; away from the data the NTK-GP's std is {_f(std_ratio_range(stds['ntk'], stds['nngp'], off)[0], 1)}–"
             f"{_f(std_ratio_range(stds['ntk'], stds['nngp'], off)[1], 1)}× the NNGP's") if off.any() else ""
    _subtitle(fig, th, f"Same network, same data, two kernels: Bayes with K and gradient descent with Θ give different "
                       f"means (largest gap {_f(gap, 2)} at x = {_g(x[k])}){ratio}.")
    return fig


#: chapter name -> its figure (a function of :class:`Inputs`).
FIGURES = {
    "lookup_table": fig_lookup_table, "linear": fig_linear, "ntk_definition": fig_ntk_definition,
    "reparametrized": fig_reparametrized, "rbf": fig_rbf, "training": fig_training,
    "wide_init": fig_wide_init, "wide_training": fig_wide_training,
    "kernel_gd": fig_kernel_gd, "gp_over_time": fig_gp_over_time, "nngp_vs_ntk": fig_nngp_vs_ntk,
}
