"""The derivation three chapters share, written once: from a wide network's linearisation to kernel
gradient descent, its solution and its end point (kernel_gd), the mean over random starts
(gp_over_time), and that mean with the NNGP kernel K in place of the NTK Θ (nngp_vs_ntk).

Every line is a tuple of TeX parts (MathTex substrings), so that a line can be morphed into the
next by ``TransformMatchingTex``: parts that read the same move to their new place, the parts named
in a ``key_map`` morph into their successors, the rest fade.  The kernels keep one colour each in
every line (Θ the exact NTK's green, K the NNGP's gold, k₀ the purple of a kernel before
training), also inside an exponent (``substrings_to_isolate``).

:class:`Derivation` shows one line at a time and records every move as ``(from, to, animation
class)`` (tests: each step of the derivation is a morph of the previous line, never a fresh write).
The maths behind each line is in the docstrings of the constants; the chapters' tests check it.
"""

from __future__ import annotations

from manim import FadeIn, FadeOut, FadeTransformPieces, MathTex, TransformMatchingTex

#: The lookup table's kernel, as Example 1 writes it and the closing recalls it: a step at x′ moves f
#: only at x′.
LOOKUP_KERNEL = r"k(x, x') = \begin{cases} 1 & x = x' \\ 0 & x \neq x' \end{cases}"

# --------------------------------------------------------------------------- the parts
THETA, K0, K = r"\Theta", r"k_0", r"K"
KERNELS = (THETA, K0, K)
DFDT = r"\frac{d f_t(x)}{dt}"
ERROR = r"\big(f_t(X) - Y\big)"                       # the errors at the training inputs
RESIDUAL = r"\big(Y - f_0(X)\big)"                    # what the start f₀ misses there
GRAD_X = r"\nabla_\theta f_0(x)"
GRAD_XX = r"\nabla_\theta f_0(X)"
INV = r"(X, X)^{-1}"

# --------------------------------------------------------------------------- the lines (kernel_gd)
#: The network to first order in θ around θ₀ (a wide network's kernel barely moves, so this holds
#: all along training).
LINEARISED = ("f_t(x)", r"\approx", "f_0(x)", "+", GRAD_X, r"\cdot", r"(\theta_t - \theta_0)")
#: Its time derivative: only θ moves.
DIFFERENTIATED = (DFDT, "=", GRAD_X, r"\cdot", r"\frac{d\theta_t}{dt}")
#: Gradient descent in small steps on ½ Σᵢ (f(xᵢ) − yᵢ)²: dθ/dt = −∇θf₀(X)(f_t(X) − Y).
GRADIENT_FLOW = (DFDT, "=", "-", r"\langle", GRAD_X, ",", GRAD_XX, r"\rangle", ERROR)


def kernel_gd(kernel: str = K0) -> tuple:
    """Kernel gradient descent with ``kernel``: the inner product of the gradients is the NTK
    (chapter 3: k(x, x′) = ⟨∇θf(x), ∇θf(x′)⟩), k₀ for one network at its start, Θ at infinite width."""
    return (DFDT, "=", "-", kernel, "(x, X)", ERROR)




def solution(kernel: str = K0) -> tuple:
    """The solution of :func:`kernel_gd` (at the training inputs the ODE gives
    f_t(X) − Y = e^{−t·kernel(X,X)}(f₀(X) − Y); integrate that in t at any x); I the identity."""
    return ("f_t(x)", "=", "f_0(x)", "+", kernel, "(x, X)", kernel, INV, rf"\big(I - e^{{-t{kernel}(X, X)}}\big)",
            RESIDUAL)


def limit(kernel: str = K0) -> tuple:
    """t → ∞: the exponential vanishes (the kernel on the training inputs is positive definite);
    the end point of training from the start f₀."""
    return (F_INF, "=", "f_0(x)", "+", kernel, "(x, X)", kernel, INV, RESIDUAL)


F_INF = r"f_\infty(x)"
LIMIT = limit(THETA)        # the line the later chapters start from

# --------------------------------------------------------------------------- gp_over_time, nngp_vs_ntk
MEAN_LEFT = r"\mathbb{E}\,f_\infty(x)"


def mean(kernel: str = THETA) -> tuple:
    """The mean over random starts of :data:`LIMIT` (f₀ has mean 0): ``Θ(x, X)Θ(X, X)⁻¹Y``; with
    K: the NNGP posterior mean (Bayes with the prior GP(0, K), no noise)."""
    return (MEAN_LEFT, "=", kernel, "(x, X)", kernel, INV, "Y")


def mean_rhs(kernel: str = THETA) -> tuple:
    """The right-hand side of :func:`mean` alone (the two predictions side by side)."""
    return (kernel, "(x, X)", kernel, INV, "Y")


#: :data:`LIMIT` as one of all corrections of the start, f₀(x) − a(f₀(X) − Y), with its weights a.
CORRECTION = (F_INF, "=", "f_0(x)", "-", "a", r"\big(f_0(X) - Y\big)", r",\quad a =", THETA, "(x, X)",
              THETA, INV)
#: Over random starts f₀ ~ GP(0, K): Var[f₀(x) − a(f₀(X) − Y)] = K(x,x) − 2a K(X,x) + a K(X,X) aᵀ is
#: smallest at a = K(x, X)K(X, X)⁻¹, where it is the NNGP posterior variance.
LEAST_VARIANCE = (r"\mathrm{Var}\big[", "f_0(x)", "-", "a", r"\big(f_0(X) - Y\big)", r"\big]\ \text{is least at}",
                  r"a =", K, "(x, X)", K, INV)


#: The NNGP posterior's mean: Bayes with the prior GP(0, K) given the data, no noise (the left side
#: names the conditional mean; the right side is :func:`mean_rhs` with K).
POSTERIOR_LEFT = r"\mathbb{E}\big[f(x) \mid Y\big]"


def posterior_mean() -> tuple:
    """The NNGP posterior mean ``E[f(x) | Y] = K(x, X)K(X, X)⁻¹Y``: :func:`mean` with one kernel
    swapped (Θ → K) and the left side named for what it is."""
    return (POSTERIOR_LEFT, "=", *mean_rhs(K))


def spread(kernel: str = K, least: bool = True, words: tuple = ("least", "larger")) -> tuple:
    """Over random starts f₀ ~ GP(0, K): the variance of the corrected start f₀(x) − a(f₀(X) − Y)
    with the weights of ``kernel`` (``a = kernel(x, X)kernel(X, X)⁻¹``): with K it is the least of
    all a (the NNGP posterior's), with Θ it is larger (the t = ∞ NTK-GP's).  ``words``: the two
    words as the chapter's script writes them (a translation's)."""
    word = r"\big]\ \text{" + (words[0] if least else words[1]) + r":}\ "
    return (r"\mathrm{Var}\big[", "f_0(x)", "-", "a", r"\big(f_0(X) - Y\big)", word, r"a =", kernel, "(x, X)",
            kernel, INV)


class _AlignedPieces(FadeTransformPieces):
    """``FadeTransformPieces`` for the parts a ``key_map`` pairs, aligned glyph for glyph first:
    manim 0.21 zips the two families strictly, so a part morphing into one with another number of
    glyphs (``f_t(x)`` → ``df_t(x)/dt``) raised ``ValueError`` in a real render (the test builds
    jump to the end state and never begin the animation)."""

    def begin(self):
        self.mobject[0].align_data(self.mobject[1], skip_point_alignment=True)
        super().begin()


def aligned(anim):
    """``anim`` (a ``TransformMatchingTex``) with its key-mapped morphs aligned (:class:`_AlignedPieces`)."""
    for part in getattr(anim, "animations", []):
        if type(part) is FadeTransformPieces:
            part.__class__ = _AlignedPieces
    return anim


def tex(parts) -> str:
    """The line as one TeX string (what a test reads)."""
    return " ".join(parts)


class Derivation:
    """One formula on screen at a time, rewritten line by line in visible moves.

    ``show(parts)`` brings the first line in (or a line a previous chapter ended on); ``to(parts)``
    morphs the current line into the next with ``TransformMatchingTex`` and returns the
    animations to play; ``moves`` records ``(from, to, animation class name)`` of every step.
    """

    def __init__(self, scene, size: float, colours: dict, position):
        self.scene, self.size, self.colours, self.position = scene, size, dict(colours), position
        self.current = None          # the MathTex on screen
        self.parts = None            # its parts
        self.moves: list = []        # (from TeX, to TeX, animation class name)
        self.lines: list = []        # every line shown, in order (TeX)

    def line(self, parts, position=None) -> MathTex:
        """The MathTex of ``parts`` at this derivation's place, kernels in their colours."""
        mob = self.scene.ty.math(*parts, size=self.size, substrings_to_isolate=list(KERNELS))
        for symbol, colour in self.colours.items():
            mob.set_color_by_tex(symbol, colour)
        # set_color_by_tex colours isolated occurrences; the parts that are a kernel alone too
        for part in mob.submobjects:
            if part.tex_string in self.colours:
                part.set_color(self.colours[part.tex_string])
        return mob.move_to(self.position if position is None else position)

    def show(self, parts, position=None):
        """The first line (a fresh line, or one recalled from an earlier chapter): ``FadeIn``."""
        self.current, self.parts = self.line(parts, position), tuple(parts)
        self.lines.append(tex(parts))
        self.moves.append((None, tex(parts), "FadeIn"))
        return FadeIn(self.current)

    def morph(self, parts, key_map: dict | None = None, *others, run_time: float = 1.0, keep: bool = False,
              position=None):
        """Play :meth:`to` (with ``others`` beside it) in the scene.  Afterwards the moving parts are
        taken out of the scene, as manim's own clean-up does (a test build's end state keeps them)."""
        anim = self.to(parts, key_map, position=position, keep=keep)
        self.scene.play(anim, *others, run_time=run_time)
        self.scene.remove(anim.mobject)
        return self.current

    def to(self, parts, key_map: dict | None = None, position=None, keep: bool = False):
        """Morph the current line into ``parts`` (``key_map``: source part → the target part it
        becomes, when they read differently).  ``keep``: morph a copy, the current line stays (a
        second line derived from the first).  Returns the animation."""
        new = self.line(parts, position if position is not None else self.current.get_center())
        source = self.current.copy() if keep else self.current
        anim = aligned(TransformMatchingTex(source, new, key_map=key_map or {}))
        self.moves.append((tex(self.parts), tex(parts), type(anim).__name__))
        self.lines.append(tex(parts))
        self.previous = self.current if keep else None
        self.current, self.parts = new, tuple(parts)
        return anim

    def hide(self):
        """Fade the current line out (it is not a step of the derivation)."""
        mob, self.current, self.parts = self.current, None, None
        return FadeOut(mob)
