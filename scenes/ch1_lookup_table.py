"""Chapter 1 — Example 1: a lookup table.  One gradient step moves one dot, and nothing else.

Render:  manim -pql scenes/ch1_lookup_table.py LookupTable
"""

from manim import RIGHT, UP, Create, FadeIn, GrowArrow, LaggedStart

from scenes.base import ExampleScene
from scenes.formatting import fmt, fmt_g, line_formula
from scenes.widgets import ZoomInset, arrows_at, dots_at


class LookupTable(ExampleScene):
    example_name = "lookup_table"

    def construct(self):
        ex = self.example
        x_obs, y_obs = ex.observation
        i = ex.obs_index
        f0 = ex.values()
        d = ex.displacement()
        self.arrows = self.build_arrows(f0, d)

        # Step: title card
        self.play_title_card(ex.title, ex.model_spec.latex)

        # Step: the function as a table of dots
        head = self.heading(ex.title)
        self.play(FadeIn(head), FadeIn(self.axes), FadeIn(self.axis_labels()), run_time=1.0)
        self.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in self.dots], lag_ratio=0.05),
                  run_time=1.6)
        line = line_formula(ex.grid, ex.values())
        self.say("f is a lookup table: one parameter θₓ for every x, and f(x) = θₓ.\n"
                 + (f"Here θₓ = {line}, so the dots lie on a line." if line else "θ₀ sets every dot."))
        self.wait(2.5)

        # Step: the observation
        self.show_observation()
        self.wait(2.5)

        # Step: one gradient step, drawn as red arrows (here: a single one)
        self.say(f"One gradient step on (f({fmt_g(x_obs)}) − {fmt_g(y_obs)})², learning rate {fmt_g(ex.lr)}:")
        self.play(*[GrowArrow(a) for a in self.arrows.values()], run_time=1.2)
        self.wait(1.0)

        # Step: magnify the move (it is small on the full chart)
        self.build_inset(f0, d)
        inset = self.inset
        self.play(Create(inset.marker), FadeIn(inset.links), FadeIn(inset.box), run_time=0.8)
        self.play(FadeIn(self.inset_dots), FadeIn(inset.label), run_time=0.6)
        self.play(*[GrowArrow(a) for a in self.inset_arrows.values()], run_time=1.0)
        move_label = self.ty.text(f"+{fmt(d[i], 1)}", size=self.ty.CAPTION_SIZE, color=self.theme.arrow)
        move_label.next_to(self.inset_arrows[i], RIGHT, buff=0.12)
        self.play(FadeIn(move_label), run_time=0.5)
        self.wait(1.5)

        # Step: the dot moves along its arrow; every other dot stays
        target = f0[i] + d[i]
        j = self.inset_index[i]
        ghosts = [self.dots[i].copy().set_color(self.theme.moved_dot),
                  self.inset_dots[j].copy().set_color(self.theme.moved_dot)]
        self.add(*ghosts)
        self.play(self.dots[i].animate.move_to(self.c2p(x_obs, target)),
                  self.inset_dots[j].animate.move_to(inset.axes.c2p(x_obs, target)), run_time=1.2)
        self.say(f"f({fmt_g(x_obs)}) moves up by {fmt(d[i], 1)}, and nothing else moves:\n"
                 f"each parameter touches only its own x.")
        self.wait(3.0)
        self.say("The kernel of a lookup table: k(x, x′) = 1 if x = x′, else 0.\n"
                 "Nothing generalises from one x to another.")
        self.wait(3.5)

    def build_inset(self, f0, d):
        """A zoom on the grid points around x' and the one arrow, in the empty lower right."""
        ex = self.example
        x_obs = ex.observation[0]
        i = ex.obs_index
        y_win = (min(f0[i], f0[i] + d[i]) - 5, max(f0[i], f0[i] + d[i]) + 5)
        lo, _ = ex.x_range
        y_lo = self.axes.y_range[0]
        center = self.c2p(ex.x_range[1] - 3.5, y_lo + 0.27 * (self.axes.y_range[1] - y_lo))
        self.inset = inset = ZoomInset(self.axes, x_obs, y_win, self.theme, size=(3.4, 2.3), center=center)
        inside = [k for k, (x, y) in enumerate(zip(ex.grid, f0)) if inset.contains(x, y)]
        self.inset_index = {k: n for n, k in enumerate(inside)}
        self.inset_dots = dots_at(inset.axes, ex.grid[inside], f0[inside], 1.8 * self.dot_radius, self.theme.dot)
        arrows = arrows_at(inset.axes, ex.grid[inside], f0[inside], d[inside], self.theme.arrow, stroke_width=7,
                           tip_length=0.22)
        self.inset_arrows = {inside[n]: a for n, a in arrows.items()}
        inset.label = self.ty.text(f"zoom ×{inset.magnification:.1f}", size=self.ty.LABEL_SIZE,
                              color=self.theme.axis).next_to(inset.box, UP, buff=0.08).align_to(inset.box, RIGHT)
