"""One meaning per symbol, across the whole video (and the README).

Every symbol a caption or a formula shows is listed here with its one meaning and the step that
introduces it; tests/test_glossary.py reads every caption and formula of every chapter, in story
order and in every cut, and checks that each symbol it finds is listed, that it is not shown before
the step that introduces it, and that this step says what it means.

The choices (where the post or the literature write it otherwise, the caption says so once):

* η is the **learning rate**, everywhere (Example 1 onwards, and in t = η·n);
* ε is the size of a **push** of θ along ∇θf(x′) (the finite-step kernel k̃_ε; a gradient step is
  such a push with ε = −2η(f(x′) − y)); ε → 0 gives the NTK;
* n counts **gradient steps**; t = η·n is **training time** (the kernel-gradient-descent ODE runs in
  t).  Example 5 counts steps n, not t;
* k is the NTK of a model at its current θ (k₀, kₜ: of one network at initialization, at time t);
  Θ the NTK of the infinitely wide network; K the NNGP kernel;
* X, Y are the training inputs and targets; f₀, fₜ the network at initialization and at time t.

Standard library only.
"""

from __future__ import annotations

from typing import NamedTuple


class Symbol(NamedTuple):
    name: str                 # as captions write it
    meaning: str
    defined_at: str           # the step id that introduces it ("" = needs no introduction); several, separated
                              # by spaces: the first one an edition shows introduces it (a cut may leave
                              # out the chapter that first did, when a later one says it again)
    says: str                 # a regex its introducing step's caption or spoken line matches
    text: str                 # a regex that finds it in a caption ("" = formulas only)
    tex: str = ""             # a regex that finds it in a formula's TeX ("" = captions only)


GLOSSARY: tuple = (
    Symbol("f(x)", "the model's prediction at input x", "", "", r"\bf\s*\(|\bf\b", r"(?<![A-Za-z\\])f\s*\(|f_"),
    Symbol("x", "an input", "", "", r"\bx\b", r"(?<![A-Za-z\\])x(?![A-Za-z])"),
    Symbol("θ", "the model's parameters (θᵢ: the i-th; θₓ: the lookup table's entry for x)",
           "lookup_table.table", r"parameter", r"θ", r"\\theta"),
    Symbol("x′", "the input of the observation: where the gradient step is taken", "lookup_table.observation",
           r"x′|x prime", r"x′", r"x'|x\^\{?\\prime"),
    Symbol("y", "the observed value at x′", "lookup_table.observation", r"observ", r"\by\b",
           r"(?<![A-Za-z\\])y(?![A-Za-z])"),
    Symbol("η", "the learning rate", "lookup_table.gradient_step", r"learning rate", r"η", r"\\eta"),
    Symbol("Δ", "the change one step makes (Δf(x): how far f(x) moves; Δθ: how far θ moves)", "lookup_table.move_size",
           r"moves|move", r"Δ", r"\\Delta"),
    Symbol("k", "the neural tangent kernel of a model at its current θ: how much a step at x′ moves f(x)",
           "lookup_table.kernel", r"kernel", r"\bk\s*\(|\bk[₀ₜ]|\bk\b", r"(?<![A-Za-z\\])k(?![A-Za-z])"),
    Symbol("ε", "the size of a push of θ along ∇θf(x′)", "ntk_definition.finite_step_kernel", r"push",
           r"ε", r"\\epsilon|\\varepsilon"),
    Symbol("k̃", "the finite-step kernel k̃_ε = (f(x; θ + ε∇θf(x′)) − f(x; θ)) / ε",
           "ntk_definition.finite_step_kernel", r"finite-step kernel", r"k̃", r"\\tilde\s*\{?\s*k"),
    Symbol("∇θ", "the gradient with respect to the parameters", "ntk_definition.finite_step_kernel", r"gradient",
           r"∇", r"\\nabla"),
    Symbol("n", "the number of gradient steps taken", "training.panels", r"step", r"\bn\s*=|\bn\b", ""),
    Symbol("t", "training time, t = η·n", "wide_training.training", r"time", r"\bt\s*=|\bt\s*→|ₜ",
           r"(?<![A-Za-z\\])t(?![A-Za-z])|_t\b|_\{t\}"),
    Symbol("Θ", "the NTK of the infinitely wide network: depends only on the architecture", "wide_init.notation",
           r"infinite", r"Θ", r"\\Theta"),
    Symbol("X, Y", "the training inputs and targets", "kernel_gd.initial", r"training", r"\bX\b|\bY\b",
           r"(?<![A-Za-z\\])[XY](?![A-Za-z])"),
    Symbol("K", "the NNGP kernel: the covariance of f₀ over random initializations",
           "gp_over_time.nngp nngp_vs_ntk.two_kernels",
           r"NNGP|covariance", r"\bK\b", r"(?<![A-Za-z\\])K(?![A-Za-z])"),
)

GREEK_TEX = ("alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
             "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi",
             "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
             "Omega")


def by_name() -> dict:
    return {s.name: s for s in GLOSSARY}
