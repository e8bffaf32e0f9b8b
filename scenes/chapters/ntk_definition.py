"""Chapter 3 — the neural tangent kernel, defined on Example 2's arrows.

The finite-step kernel (push θ a step η along ∇θ f(x′) and watch f(x) move), built up by a
first-order Taylor expansion to its η → 0 limit (the NTK, an inner product of gradients); the GD
arrows of Example 2 as η·k(x, 10); the post's homework answered (k(x, x′) = x·x′ + 1); and three
pushes of different sizes on the left that all give the same k̃_η = Δf/η on the right, because
the model is linear in θ.

Colours: the pushes are displacements, so all three are the arrows' red (told apart by their size,
their η labels and a lighter shade for each bigger push); the line the arrows divided by η stand on
is ink while it is only k̃_η, and turns the exact NTK's green once the homework shows it is k;
pointers at a term (and the stroke through the vanishing O(η)) are the highlight colour.

Render:  manim -pql scenes/chapters/ntk_definition.py NTKDefinition
"""

import numpy as np
from manim import (
    DL, DOWN, LEFT, RIGHT, UL, UP, UR, Brace, Circumscribe, Create, FadeIn, FadeOut, GrowArrow, Indicate,
    LaggedStart, Line, FadeTransform, ReplacementTransform, TransformFromCopy, VGroup, Write,
)

import ntkcore
from ntkcore.facts import kernel_at_origin
from ntkcore.step_facts import push_is_exact

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g, line_formula, tex_num
from scenes.ranges import every_other_tick, whole_ticks
from scenes.typography import CAPTION_SIZE
from scenes.widgets import arrows_at, legend_row, polyline

FORMULA_SIZE = CAPTION_SIZE + 8   # the derivation
STRIP_SIZE = CAPTION_SIZE + 4     # formulas above the two plots
STRIP_Y = 2.72                    # centre line of the formula strip

# The pieces of the derivation (MathTex substrings, so TransformMatchingTex can move them).
PUSHED = r"f(x;\,\theta + \eta\,\nabla_\theta f(x'))"
BASE = r"f(x;\,\theta)"
INNER = r"\langle \nabla_\theta f(x),\, \nabla_\theta f(x') \rangle"
ETA = r"\eta\,"
KT = r"\tilde k_\eta(x, x')"
ETA_KT = r"\eta\,\tilde k_\eta(x, x')"

def morph(src, dst, pairs: dict) -> list:
    """The animations that rewrite formula ``src`` into ``dst`` part by part: ``pairs`` maps a part
    of ``src`` to the part of ``dst`` it becomes (moved if it reads the same, morphed otherwise);
    the other parts of ``src`` fade out and those of ``dst`` fade in."""
    anims = []
    for a, b in pairs.items():
        same = src[a].tex_string == dst[b].tex_string
        anims.append(ReplacementTransform(src[a], dst[b]) if same else FadeTransform(src[a], dst[b]))
    anims += [FadeOut(src[a]) for a in range(len(src)) if a not in pairs]
    anims += [FadeIn(dst[b]) for b in range(len(dst)) if b not in pairs.values()]
    return anims


class NTKDefinition(ExampleScene):
    example_name = "linear"
    # Two panels side by side: f(x) on the left (Example 2's picture), the kernel on the right; the
    # η labels of the pushed lines sit in the gap between them.
    axes_size = (5.0, 3.65)
    axes_center = (-3.7, -0.2, 0.0)
    kernel_axes_size = (4.4, 3.65)
    kernel_axes_center = (4.2, -0.2, 0.0)
    y_step = 10
    kernel_y_step = 50
    #: the pushes compared on the left, as multiples of the GD step's η (the first is the GD step)
    eta_factors = (1.0, 2.0, 4.0)

    # ------------------------------------------------------------------ the numbers
    def push_numbers(self):
        """η of each push, and Δf = η·k̃_η(x, x′) of each, shape (n,) (all from ntkcore)."""
        ex = self.example
        eta0 = ex.step_eta()
        etas = [factor * eta0 for factor in self.eta_factors]
        kt = {eta: np.asarray(ntkcore.finite_step_kernel(ex.f, ex.theta, ex.grid, ex.observation[0], eta))
              for eta in etas}
        return etas, kt

    def display_y_range(self) -> tuple:
        """Room for f and for f pushed by the largest η."""
        ex = self.example
        etas, kt = self.push_numbers()
        vals = np.concatenate([ex.values(), [ex.observation[1]]] + [ex.values() + eta * kt[eta] for eta in etas])
        return whole_ticks(vals, self.y_step)

    # ------------------------------------------------------------------ the chapter
    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i_obs = ex.obs_index
        f0 = ex.values()
        d = ex.displacement()
        self.eta = ex.step_eta()
        self.etas, self.kernel_values = self.push_numbers()
        self.arrows = self.build_arrows(f0, d)
        self.build_kernel_panel()
        self.build_pushes(f0)

        # Step: title card
        self.play_title_card()
        head = self.heading(self.script.chapter["title"])

        # Step: the finite-step kernel
        self.definition = self.ty.math(ETA_KT, "=", PUSHED, "-", BASE, size=FORMULA_SIZE).move_to(2.1 * UP)
        brace = Brace(self.definition[2], DOWN, buff=0.08, color=self.theme.highlight)
        brace_label = self.ty.text(self.label("pushed"), size=self.ty.LABEL_SIZE)
        brace_label.next_to(brace, DOWN, buff=0.08)
        with self.step("finite_step_kernel"):
            self.play(FadeIn(head), run_time=0.5)
            self.play(Write(self.definition), run_time=1.6)
            self.play(FadeIn(brace), FadeIn(brace_label, shift=0.1 * DOWN), run_time=0.8)

        # Step: first-order Taylor expansion, term by term
        taylor = self.ty.math(PUSHED, "=", BASE, "+", ETA, INNER, "+", r"O(\eta^2)",
                              size=FORMULA_SIZE).move_to(0.35 * UP)
        # a brace under the first-order term (a box would touch the "+" and the "⟩" beside it)
        pointer = Brace(taylor[4:6], DOWN, buff=0.08, color=self.theme.highlight)
        with self.step("taylor"):
            self.play(FadeOut(brace), FadeOut(brace_label), run_time=0.4)
            self.play(TransformFromCopy(self.definition[2], taylor[0]), run_time=1.0)
            self.play(Write(taylor[1:3]), run_time=0.8)
            self.play(Write(taylor[3:6]), run_time=1.0)
            self.play(Create(pointer), run_time=0.6)
            self.play(Write(taylor[6:8]), run_time=0.8)

        # Step: move f(x; θ) across, use the definition, divide by η
        moved = self.ty.math(PUSHED, "-", BASE, "=", ETA, INNER, "+", r"O(\eta^2)",
                             size=FORMULA_SIZE).move_to(taylor)
        times_k = self.ty.math(ETA_KT, "=", ETA, INNER, "+", r"O(\eta^2)", size=FORMULA_SIZE).move_to(taylor)
        divided = self.ty.math(KT, "=", INNER, "+", r"O(\eta)", size=FORMULA_SIZE).move_to(taylor)
        with self.step("divide_by_eta"):
            self.play(FadeOut(pointer), *morph(taylor, moved, {0: 0, 1: 3, 2: 2, 4: 4, 5: 5, 6: 6, 7: 7}),
                      run_time=1.2)
            self.wait(0.8)   # time to read each line of the derivation
            self.play(Indicate(self.definition[0], color=self.theme.highlight),
                      *morph(moved, times_k, {0: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5}), run_time=1.2)
            self.wait(0.8)
            self.play(*morph(times_k, divided, {0: 0, 1: 1, 3: 2, 4: 3, 5: 4}), run_time=1.2)

        # Step: the limit η → 0 is the neural tangent kernel
        self.limit = self.ty.math(r"k(x, x')", "=", r"\lim_{\eta \to 0}\, \tilde k_\eta(x, x')", "=", INNER,
                                  size=FORMULA_SIZE).next_to(divided, DOWN, buff=0.75)
        self.limit[0].set_color(self.theme.ntk_exact)
        # the O(η) term stays on screen, struck through (the caption says it vanishes)
        rest = divided[3:5]
        self.strike = Line(rest.get_corner(DL) + 0.06 * (DOWN + LEFT), rest.get_corner(UR) + 0.06 * (UP + RIGHT),
                           color=self.theme.highlight, stroke_width=5)
        self.divided = divided
        with self.step("limit"):
            self.play(Indicate(rest, color=self.theme.highlight), run_time=0.6)
            self.play(Create(self.strike), run_time=0.6)
            self.play(TransformFromCopy(divided[0], self.limit[2]), run_time=1.0)
            self.play(TransformFromCopy(divided[2], self.limit[4]), Write(self.limit[3]), run_time=1.0)
            self.play(Write(self.limit[0:2]), run_time=0.8)
            self.play(Circumscribe(self.limit[0], color=self.theme.highlight, buff=0.08), run_time=0.8)

        # Step: Example 2's arrows again: the first push
        x_s, y_s, lr_s = fmt_g(x_obs), fmt_g(y_obs), fmt_g(ex.lr)
        with self.step("example_2_again", x=x_s, y=y_s, lr=lr_s):
            self.play(FadeOut(VGroup(self.definition, divided, self.strike, self.limit)), run_time=0.6)
            self.play(FadeIn(self.axes), FadeIn(self.axis_labels()), FadeIn(self.dots), FadeIn(self.cross),
                      FadeIn(self.obs_label), run_time=1.0)
            self.play(*[GrowArrow(a) for a in self.arrows.values()], run_time=1.2)

        # Step: the GD step is such a push, with η = −2·lr·(f(x') − y)
        self.eta_shown = fmt_g(self.eta)
        f_s = fmt(f0[i_obs], 0)
        step_tex = self.ty.math(r"\Delta f(x) = \eta\, \tilde k_\eta(x, " + tex_num(x_s) + ")", size=STRIP_SIZE)
        self.eta_tex = self.ty.math(
            r"\eta = -2\,\mathrm{lr}\,\big(f(" + tex_num(x_s) + ") - " + tex_num(y_s)
            + r"\big) = " + tex_num(self.eta_shown), size=STRIP_SIZE)
        strip = VGroup(step_tex, self.eta_tex).arrange(RIGHT, buff=1.0).move_to(STRIP_Y * UP)
        first = self.pushes[self.etas[0]]
        with self.step("gradient_step_is_a_push", x=x_s, f=f_s, eta=self.eta_shown):
            self.play(Write(step_tex), run_time=1.0)
            self.play(Write(self.eta_tex), run_time=1.0)
            self.play(Create(first["line"]), FadeIn(first["label"]), FadeIn(self.after_key), run_time=0.8)

        # Step: divide each arrow by η: they stand on the kernel k(x, 10)
        kernel_line = line_formula(ex.grid, self.kernel_values[self.etas[0]])   # k̃ of the GD step's η
        with self.step("divide_arrows", None if kernel_line else "not_a_line", eta=self.eta_shown, x=x_s,
                       **({"line": kernel_line} if kernel_line else {})):
            self.play(FadeIn(self.kernel_axes), FadeIn(self.kernel_labels), run_time=0.8)
            self.play(*[TransformFromCopy(self.arrows[i], self.kernel_arrows[self.etas[0]][i])
                        for i in self.kernel_arrows[self.etas[0]]], run_time=1.8)
            self.play(Create(self.kt_line), FadeIn(self.kt_label), run_time=1.2)

        # Step: homework answered: for the linear model k(x, x') = x·x' + 1
        c = kernel_at_origin(ex)           # k(0, 0): the constant of x·x′ + c (1 for θ₁x + θ₂)
        c_s = fmt_g(c)
        self.grad_tex = self.ty.math(r"\nabla_\theta f(x) = (x,\ 1)", r"\quad\Rightarrow\quad",
                                     r"k(x, x') = \langle (x, 1),\, (x', 1) \rangle = x\,x' + " + tex_num(c_s),
                                     size=STRIP_SIZE).move_to(STRIP_Y * UP)
        with self.step("homework", c=c_s, x=x_s):
            self.play(FadeOut(strip), FadeIn(self.grad_tex), run_time=1.0)
            self.play(ReplacementTransform(self.kt_line, self.ntk_line),
                      FadeTransform(self.kt_label, self.ntk_label), run_time=1.0)
            self.play(Indicate(self.ntk_label, color=self.theme.highlight), run_time=1.0)

        # Steps: two more pushes, bigger each time: new arrows on the left, the same k̃ on the right
        hi = ex.grid[-1]
        for n in range(1, len(self.etas)):
            self.show_push(n, hi)

        # Step: why: f is linear in θ, so the Taylor expansion stops at the first order
        exact = push_is_exact(ex.f, ex.theta, ex.grid, x_obs)
        ax = self.kernel_axes   # in the empty upper left of the kernel plot
        names = [fmt_g(eta) for eta in self.etas]
        for etas in (", ".join(names), f"{names[0]},\n{', '.join(names[1:])}"):   # on one line, else on two
            self.same_label = self.ty.text(self.label("same_kernel", etas=etas), size=self.ty.LABEL_SIZE,
                                           color=self.theme.arrow, line_spacing=0.9)
            if self.same_label.width <= ax.x_length - 0.3:
                break
        self.same_label.move_to(ax.c2p(ax.x_range[0], ax.y_range[1]), aligned_edge=UP + LEFT).shift(0.3 * RIGHT)
        self.finite_tex = self.ty.math(r"\tilde k_\eta(x, " + tex_num(x_s) + r") = k(x, " + tex_num(x_s)
                                       + r")\quad\text{for every } \eta", size=STRIP_SIZE).move_to(STRIP_Y * UP)
        with self.step("linear_in_theta", None if exact else "not_exact"):
            self.play(FadeOut(self.push_tex), FadeIn(self.finite_tex), run_time=0.8)
            self.play(FadeIn(self.same_label, shift=0.1 * DOWN), run_time=0.6)
            self.play(Indicate(self.ntk_line, color=self.theme.highlight, scale_factor=1.0), run_time=1.0)

    # ------------------------------------------------------------------ one more push
    def how_far(self, factor: float) -> str:
        """``"twice"``, ``"four times"``: how much bigger a push is than the first one (the labels
        ``how_far_2`` …, else ``how_far_n``)."""
        key = f"how_far_{fmt_g(factor)}"
        return self.label(key) if key in self.script.labels else self.label("how_far_n", n=fmt_g(factor))

    def show_push(self, n: int, x_end: float):
        """Push ``n``: the previous arrows go, this push's arrows and line come on the left, and its
        arrows divided by η fly to the right, where they land on the same kernel."""
        eta, eta_prev = self.etas[n], self.etas[n - 1]
        factor = self.eta_factors[n] / self.eta_factors[0]
        push, prev = self.pushes[eta], self.pushes[eta_prev]
        k_end = len(self.example.grid) - 1
        move = eta * self.kernel_values[eta][k_end]
        ratio = move / eta
        eta_s, exact_s, ratio_s = fmt_g(eta), fmt(move, 3), fmt_g(round(ratio, 6))
        move_s = fmt(move, 1)   # in words; the strip shows the move to 3 decimals, so Δf/η can be checked
        tex = self.ty.math(r"\eta = " + tex_num(eta_s) + r",\qquad \Delta f(" + tex_num(fmt_g(x_end))
                           + r")\,/\,\eta = " + tex_num(exact_s) + r"\,/\," + tex_num(eta_s) + " = "
                           + tex_num(ratio_s), size=STRIP_SIZE).move_to(STRIP_Y * UP)
        old = self.push_tex if n > 1 else self.grad_tex
        far = self.how_far(factor)
        with self.step("push", None if n == 1 else "again", how_far=far, How_far=far.capitalize(), eta=eta_s,
                       x=fmt_g(x_end), move=move_s, exact_move=exact_s, ratio=ratio_s):
            self.play(FadeOut(VGroup(*prev["arrows"].values())), FadeOut(old), FadeIn(tex), run_time=0.6)
            self.play(LaggedStart(*[GrowArrow(a) for a in push["arrows"].values()], lag_ratio=0.02),
                      Create(push["line"]), FadeIn(push["label"]), run_time=1.4)
            self.bring_to_front(self.cross)   # the longest arrows reach the cross: keep it on top
            # the last push's k̃ dims, so that the new arrows are seen landing exactly on it
            before = VGroup(*self.kernel_arrows[eta_prev].values())
            self.play(before.animate.set_opacity(0.3), run_time=0.4)
            landing = self.kernel_arrows[eta]
            self.play(*[TransformFromCopy(push["arrows"][i], landing[i]) for i in landing], run_time=1.6)
            self.remove(before)
        self.push_tex = tex

    # ------------------------------------------------------------------ building blocks
    def build_pushes(self, f0):
        """For each η: its arrows Δf = η·k̃_η on the left, the pushed function f + Δf as a thin red
        line, and its label in the gap right of the plot."""
        ex = self.example
        grid = ex.grid
        self.pushes = {}
        for n, eta in enumerate(self.etas):
            move = eta * self.kernel_values[eta]                          # (n,) Δf of this push
            arrows = self.arrows if n == 0 else arrows_at(self.axes, grid, f0, move, self.theme.arrow)
            # one red for all pushes (they are displacements), a lighter shade for each bigger push
            shade = 1.0 - 0.55 * n / max(len(self.etas) - 1, 1)
            line = polyline(self.axes, grid, f0 + move, self.theme.arrow, stroke_width=2.5, opacity=shade)
            label = self.ty.text(f"η = {fmt_g(eta)}", size=self.ty.LABEL_SIZE, color=self.theme.arrow)
            label.next_to(self.axes.c2p(grid[-1], f0[-1] + move[-1]), RIGHT, buff=0.15)
            self.pushes[eta] = {"arrows": arrows, "line": line, "label": label}
        # the red line explained once (a key in the empty upper left), and the cross named
        ax = self.axes
        self.after_key = legend_row(self.ty, self.theme.arrow, self.label("after_push"), stroke_width=2.5,
                                    text_color=self.theme.arrow)
        self.after_key.move_to(ax.c2p(ax.x_range[0], ax.y_range[1]), aligned_edge=UL).shift(0.3 * RIGHT + 0.05 * DOWN)
        x_obs, y_obs = ex.observation
        self.obs_label = self.ty.text(self.label("observation_two_lines", x=fmt_g(x_obs), y=fmt_g(y_obs)),
                                      size=self.ty.LABEL_SIZE, color=self.theme.observation, line_spacing=0.85)
        self.obs_label.next_to(self.cross, LEFT, buff=0.15)
        # labels at their line's end; where two would touch, the lower one moves down
        labels = sorted((p["label"] for p in self.pushes.values()), key=lambda m: -m.get_y())
        for upper, lower in zip(labels, labels[1:]):
            overlap = lower.get_top()[1] - (upper.get_bottom()[1] - 0.06)
            if overlap > 0:
                lower.shift(overlap * DOWN)

    def build_kernel_panel(self):
        """Kernel axes (y in kernel units), each push's arrows divided by η, the NTK line."""
        ex = self.example
        x_obs = ex.observation[0]
        lo, hi = ex.x_range
        grid = ex.grid
        self.ntk_values = np.asarray(ntkcore.ntk(ex.f, ex.theta, grid, [x_obs])[:, 0])   # k(x, x′), (n,)
        every = np.concatenate([self.ntk_values, *self.kernel_values.values()])
        y_range = whole_ticks(every, self.kernel_y_step)
        y_lo, y_hi = y_range[:2]
        self.kernel_axes = ax = self.framed((lo, hi, self.x_tick), y_range, self.kernel_axes_size,
                                            self.kernel_axes_center, y_numbers=every_other_tick(y_range))
        x_s = tex_num(fmt_g(x_obs))
        self.kernel_labels = VGroup(
            self.ty.math(r"\tilde k_\eta(x, " + x_s + r") = \Delta f(x)\,/\,\eta", size=self.ty.CAPTION_SIZE)
            .next_to(ax.frame_y.get_top(), UP, buff=0.12).align_to(ax.frame_y, LEFT).shift(0.6 * LEFT),
            self.x_label(ax),
        )
        # each push's arrows, divided by its η, standing on y = 0
        self.kernel_arrows = {eta: arrows_at(ax, grid, np.zeros_like(grid), self.kernel_values[eta], self.theme.arrow)
                              for eta in self.etas}
        # the exact NTK column as a line through all grid points
        self.ntk_line = polyline(ax, grid, self.ntk_values, self.theme.ntk_exact, stroke_width=4)
        line = line_formula(grid, self.ntk_values)
        self.ntk_label = self.ty.math(r"k(x, " + x_s + r")" + (" = " + tex_num(line) if line else ""),
                                      size=self.ty.CAPTION_SIZE, color=self.theme.ntk_exact)
        # in the empty lower right, under the line
        self.ntk_label.move_to(ax.c2p(hi, y_lo + 0.13 * (y_hi - y_lo))).align_to(ax.frame_x, RIGHT)
        # before the homework the line is only what the arrows stand on: k̃_η of the GD step's η, in ink
        kt = self.kernel_values[self.etas[0]]
        self.kt_line = polyline(ax, grid, kt, self.theme.ink, stroke_width=4)
        kt_line = line_formula(grid, kt)
        self.kt_label = self.ty.math(r"\tilde k_\eta(x, " + x_s + r")" + (" = " + tex_num(kt_line) if kt_line else ""),
                                     size=self.ty.CAPTION_SIZE)
        self.kt_label.move_to(self.ntk_label).align_to(ax.frame_x, RIGHT)

