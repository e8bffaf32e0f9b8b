"""Which parameters make up the kernel, and how their shares change during training.

The NTK is a sum over parameters, one term per parameter θᵢ::

    k(x, x') = Σᵢ cᵢ(x, x'),      cᵢ(x, x') = ∂f(x)/∂θᵢ · ∂f(x')/∂θᵢ.

At ``x = x'`` every term is a square, ``cᵢ(x', x') = (∂f(x')/∂θᵢ)² ≥ 0``, so the terms split
``k(x', x')`` into *shares* ``sᵢ = cᵢ(x', x') / k(x', x')`` that sum to 1.  Divided by
``k(x', x')``, the kernel is ``k(x, x') / k(x', x') = Σᵢ cᵢ(x, x') / k(x', x')``: a parameter
whose ``∂f(x)/∂θᵢ`` is the same at every x (an offset: ``∂f/∂θ₅ = 1``) adds the constant ``sᵢ``
at every x, so the larger its share, the flatter the normalized kernel.

Example 5 in these terms (:func:`peak_split`, :func:`peak_phases`): the normalized kernel's peak is
the offset's flat share plus the other parameters' terms there.  While the valley slides away from
x', ``k(x', x')`` falls, so the offset's share rises fast at first and the peak rises (the kernel
sharpens); once that share nears 1 the valley's terms keep shrinking and the peak falls (it
flattens).  :func:`post_theta_readings`: the post's "θ₄ changes the fastest" under each reading of
its index.

Pure functions of a model ``f(theta, x)`` (θ a flat array or any pytree, flattened in
``ravel_pytree`` order); NumPy float64 arrays out.  Used by the training chapters (Example 5 and
your own model), which state these numbers on screen.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from . import core


def _flat_jacobian(f, theta, xs) -> np.ndarray:
    """``J[j, i] = ∂f(x_j)/∂θᵢ`` with θ flattened, shape ``(n, P)``."""
    jac = core.jacobian(f, theta, jnp.asarray(xs, dtype=jnp.float64))
    n = len(np.atleast_1d(np.asarray(xs)))
    leaves = [np.asarray(leaf).reshape(n, -1) for leaf in jax.tree_util.tree_leaves(jac)]
    return np.concatenate(leaves, axis=1)


def kernel_contributions(f, theta, xs, x2) -> np.ndarray:
    """``C[i, j] = ∂f(x_j)/∂θᵢ · ∂f(x')/∂θᵢ``: the term of parameter ``i`` in ``k(x_j, x')``.

    ``C.sum(axis=0)`` is the exact NTK column ``k(xs, x')`` (:func:`ntkcore.ntk`).  Returns shape
    ``(P, n)``.
    """
    j = _flat_jacobian(f, theta, xs)                     # (n, P)
    g = _flat_jacobian(f, theta, [x2])[0]                # (P,)  ∂f(x')/∂θ
    return (j * g).T                                     # (P, n)


def kernel_shares(f, theta, x2) -> np.ndarray:
    """``sᵢ = (∂f(x')/∂θᵢ)² / k(x', x')``: each parameter's share of ``k(x', x')``, shape ``(P,)``,
    non-negative, summing to 1."""
    g = _flat_jacobian(f, theta, [x2])[0]                # (P,)
    sq = g * g
    return sq / sq.sum()


def normalized_step_kernels(f, thetas, xs, x2, eta) -> np.ndarray:
    """The finite-step kernel of a push ``η`` along ``∇θ f(x')`` from each ``θ_t`` of ``thetas``,
    over its value at ``x'``:

        ``k̃_η(x, x'; θ_t) / k̃_η(x', x'; θ_t)``,  ``k̃_η(x, x'; θ) = (f(x; θ + η∇θ f(x')) − f(x; θ)) / η``.

    With one η for every t (Example 4's step η, say), the curve at ``t = 0`` is that step's kernel
    exactly.  ``x'`` need not be a grid point.  Returns shape ``(T+1, n)``.
    """
    xs = np.asarray(xs, dtype=np.float64)
    pts = np.append(xs, x2)
    out = []
    for theta in thetas:
        k = np.asarray(core.finite_step_kernel(f, theta, pts, x2, eta))   # (n + 1,)
        out.append(k[:-1] / k[-1])
    return np.stack(out)


class TrainingShares(NamedTuple):
    """The kernel's parameter shares along a training trajectory ``θ_0 … θ_T`` (θ flattened)."""

    thetas: np.ndarray     # (T+1, P) θ_t
    grad_obs: np.ndarray   # (T+1, P) ∂f(x')/∂θᵢ at θ_t
    k_obs: np.ndarray      # (T+1,)   k(x', x') at θ_t
    shares: np.ndarray     # (T+1, P) (∂f(x')/∂θᵢ)² / k(x', x') at θ_t; rows sum to 1
    moved: np.ndarray      # (P,)     θ_T − θ_0
    most_moved: int        # argmax |θ_T − θ_0|
    share_grew: int        # argmax (shares[T] − shares[0]): the share that grew most
    alone: np.ndarray      # (P, P)   row i: the shares at θ_0 with only θᵢ moved to its value at θ_T


def training_shares(f, thetas, x2) -> TrainingShares:
    """:class:`TrainingShares` of the trajectory ``thetas`` (a list of T+1 parameter values).

    ``alone[i]`` is a one-at-a-time check of what each parameter's own motion does to the shares:
    the shares at ``θ_0`` with only ``θᵢ`` set to its final value (a parameter that enters f only
    as an offset leaves every share as it was at ``θ_0``).
    """
    flat = [ravel_pytree(th) for th in thetas]
    unravel = flat[0][1]
    mat = np.stack([np.asarray(v, dtype=np.float64) for v, _ in flat])        # (T+1, P)
    grad_obs = np.stack([_flat_jacobian(f, th, [x2])[0] for th in thetas])   # (T+1, P)
    sq = grad_obs ** 2
    k_obs = sq.sum(axis=1)
    shares = sq / k_obs[:, None]
    moved = mat[-1] - mat[0]
    alone = []
    for i in range(mat.shape[1]):
        th = mat[0].copy()
        th[i] = mat[-1, i]
        alone.append(kernel_shares(f, unravel(jnp.asarray(th)), x2))
    return TrainingShares(
        thetas=mat, grad_obs=grad_obs, k_obs=k_obs, shares=shares, moved=moved,
        most_moved=int(np.argmax(np.abs(moved))),
        share_grew=int(np.argmax(shares[-1] - shares[0])),
        alone=np.stack(alone),
    )


def example_training_shares(ex) -> TrainingShares:
    """:func:`training_shares` along an example's gradient-ascent trajectory (``ex.trajectory()``)."""
    return training_shares(ex.f, ex.trajectory().thetas, ex.observation[0])


def example_step_kernels(ex) -> np.ndarray:
    """:func:`normalized_step_kernels` along an example's trajectory with the η of its gradient step
    (``ex.step_eta()``, the push of Example 4's red arrows): ``(T+1, n)`` on ``ex.grid``; row 0
    is ``Δf(x) / Δf(x')`` of that step."""
    return normalized_step_kernels(ex.f, ex.trajectory().thetas, ex.grid, ex.observation[0], ex.step_eta())


def largest_shares(shares_start, shares_end, most: int = 8):
    """The parameters worth a bar: all of them when there are at most ``most``, else the
    ``most − 1`` with the largest share at either end (in parameter order) and the rest summed.

    Returns ``(indices, rest_start, rest_end)``; ``rest_*`` is ``None`` when every parameter has a
    bar (else the summed share of the others at each end, so that the bars still sum to 1).
    """
    s0, s1 = np.asarray(shares_start, dtype=np.float64), np.asarray(shares_end, dtype=np.float64)
    p = len(s0)
    if p <= most:
        return list(range(p)), None, None
    keep = sorted(np.argsort(-np.maximum(s0, s1), kind="stable")[:most - 1].tolist())
    rest = np.setdiff1d(np.arange(p), keep)
    return keep, float(s0[rest].sum()), float(s1[rest].sum())


def normalized_ntk_columns(f, thetas, xs, x2) -> np.ndarray:
    """The exact NTK column at each ``θ_t`` of ``thetas``, over its value at ``x'``:

        ``k(x, x'; θ_t) / k(x', x'; θ_t) = Σᵢ cᵢ(x, x') / k(x', x')``     (the η → 0 limit of
        :func:`normalized_step_kernels`).

    Its terms are exactly the shares of :class:`TrainingShares` (a parameter with ``∂f/∂θᵢ = 1``
    adds its share ``sᵢ`` at every x).  ``x'`` need not be a grid point.  Returns ``(T+1, n)``."""
    pts = np.append(np.asarray(xs, dtype=np.float64), x2)
    out = []
    for theta in thetas:
        k = np.asarray(core.ntk(f, theta, pts, [x2]))[:, 0]    # (n + 1,)
        out.append(k[:-1] / k[-1])
    return np.stack(out)


def example_ntk_kernels(ex) -> np.ndarray:
    """:func:`normalized_ntk_columns` along an example's trajectory, on ``ex.grid``: ``(T+1, n)``;
    row 0 is ``ex.ntk_normalized()`` (Example 4's exact NTK)."""
    return normalized_ntk_columns(ex.f, ex.trajectory().thetas, ex.grid, ex.observation[0])


#: Example 4 as the post prints it is amplitude-first,
#: ``f = θ₁e^{−(x−θ₂)²/30} + θ₃e^{−(x−θ₄)²/30} + θ₅``; we read it centre-first,
#: ``f = θ₂e^{−(x−θ₁)²/30} + θ₄e^{−(x−θ₃)²/30} + θ₅`` (README, "Notes on the post").  Entry ``i``:
#: our index of the parameter that plays the role of the post's printed ``θ_{i+1}`` (each Gaussian's
#: amplitude and centre swap places; the offset stays).
RBF_AMPLITUDE_FIRST_ROLES = (1, 0, 3, 2, 4)


class ReadingMove(NamedTuple):
    """How far the parameter that one reading of the post calls its ``θ_post`` moves in training."""

    reading: str      # one of READINGS
    ours: int         # our index of that parameter
    moved: float      # θ_T − θ_0 of it
    ratio: float      # |moved| / |θ_T − θ_0| of the reference parameter


#: The three readings of the post's "θ₄ changes the fastest" (Example 5), as
#: :func:`post_theta_readings` names them: the post's index read 1-based in our centre-first order,
#: 1-based in the printed amplitude-first order, or 0-based as a Python vector is indexed
#: (``theta[4]`` is the fifth entry: the offset in either order).
READINGS = ("centre-first", "amplitude-first", "0-based")


def post_theta_readings(moved, post: int, reference: int, roles=RBF_AMPLITUDE_FIRST_ROLES) -> tuple:
    """The post's ``θ_post`` (the number as printed: ``post=4`` for "θ₄") under each of the
    :data:`READINGS`, as :class:`ReadingMove` given the training motion ``moved = θ_T − θ_0``
    (ours, centre-first, ``(P,)``); ``ratio`` is relative to the parameter ``reference`` (0-based).

    * centre-first, 1-based: the post's ``θ_post`` is our ``θ_post`` (index ``post − 1``);
    * amplitude-first, 1-based: the parameter playing the printed ``θ_post``'s role,
      ``roles[post − 1]``;
    * 0-based: ``theta[post]``, the ``post + 1``-th entry (in either order: ``roles`` keeps the
      offset last)."""
    moved = np.asarray(moved, dtype=np.float64)
    ref = abs(float(moved[reference]))
    out = []
    for reading, ours in zip(READINGS, (post - 1, roles[post - 1], post)):
        out.append(ReadingMove(reading, int(ours), float(moved[ours]), abs(float(moved[ours])) / ref))
    return tuple(out)


class PeakSplit(NamedTuple):
    """The normalized kernel ``k(x, x') / k(x', x')`` at its highest grid point, step by step, split
    into the parameters' terms (the same terms whose values at ``x = x'`` are the shares)."""

    x: np.ndarray          # (T+1,)   where k(·, x') / k(x', x') is highest on the grid
    peak: np.ndarray       # (T+1,)   its value there
    terms: np.ndarray      # (T+1, P) cᵢ(x*, x') / k(x', x'): each parameter's part of the peak (sum = peak)
    highest: int           # the step with the highest peak: the turn from rising to falling


def peak_split(f, thetas, xs, x2) -> PeakSplit:
    """:class:`PeakSplit` along ``thetas`` on the grid ``xs``.

    A parameter whose gradient is 1 at every x (an offset) has the term ``sᵢ`` (its share of
    ``k(x', x')``) at every x, the peak's included: the peak is that flat floor plus the other
    parameters' terms."""
    xs = np.asarray(xs, dtype=np.float64)
    where, peak, terms = [], [], []
    for theta in thetas:
        c = kernel_contributions(f, theta, xs, x2)          # (P, n)
        k_obs = float(np.sum(_flat_jacobian(f, theta, [x2])[0] ** 2))
        col = c.sum(axis=0) / k_obs                         # (n,) the normalized kernel
        j = int(np.argmax(col))
        where.append(xs[j])
        peak.append(col[j])
        terms.append(c[:, j] / k_obs)
    peak = np.asarray(peak)
    return PeakSplit(x=np.asarray(where), peak=peak, terms=np.stack(terms), highest=int(np.argmax(peak)))


class Phase(NamedTuple):
    """One phase of the peak's motion, from step ``start`` to step ``end``: how much the floor (a
    constant-gradient parameter's share) and the rest of the peak (every other parameter's term)
    changed, and so the peak (``floor_change + rest_change``)."""

    start: int
    end: int
    floor_change: float    # Δ sᵢ of the constant-gradient parameter i
    rest_change: float     # Δ (peak − sᵢ)
    peak_change: float


def peak_phases(split: PeakSplit, floor: int) -> tuple:
    """``(rising, falling)`` :class:`Phase` of :class:`PeakSplit` ``split`` around its highest step,
    with ``floor`` the index of the parameter whose term is flat (an offset): while the peak rises
    the floor rises faster than the rest falls; while it falls the rest falls faster than the floor
    rises.  (A trajectory whose peak only falls has an empty rising phase, ``start == end == 0``.)"""
    rest = split.peak - split.terms[:, floor]
    out = []
    for a, b in ((0, split.highest), (split.highest, len(split.peak) - 1)):
        out.append(Phase(a, b, float(split.terms[b, floor] - split.terms[a, floor]), float(rest[b] - rest[a]),
                         float(split.peak[b] - split.peak[a])))
    return tuple(out)


def example_peak_split(ex) -> PeakSplit:
    """:func:`peak_split` along an example's trajectory on ``ex.grid``."""
    return peak_split(ex.f, ex.trajectory().thetas, ex.grid, ex.observation[0])
