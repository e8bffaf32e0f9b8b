"""The infinite-width kernels and Gaussian processes of ntkcore.gp at 50 significant digits (mpmath),
written from the formulas alone: the reference the float64 path is checked against.

Inputs are taken as the exact binary numbers float64 holds, so the only difference to ntkcore is
the precision of the arithmetic.  Nothing here is vectorized or clever: every kernel entry by the
layer recursion, Θ(X, X)⁻¹ and e^{−Θt} by mpmath's own matrix inverse and matrix exponential.
"""

import mpmath as mp
import numpy as np

DIGITS = 50


def _mp_rows(x):
    """(n,) or (n, d) float64 inputs as a list of n rows of mpf."""
    x = np.asarray(x, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    return [[mp.mpf(float(v)) for v in row] for row in x]


def _layers(arch):
    return [(arch.w_std, arch.b_std)] * arch.depth + [(arch.readout_w_std, arch.readout_b_std)]


def relu_kernel_entry(u, v, arch):
    """``(K(u, v), Θ(u, v))`` of two inputs (rows of mpf) by the recursion of ntkcore.wide: the first
    layer ``Σ = Θ = w²⟨u, v⟩/d + b²``, then per layer, with ``q = Σ(u, u)``, ``q' = Σ(v, v)``,
    ``c = Σ(u, v)``, ``r = √(q q' − c²)``, ``t = atan2(r, c)``:
    ``Σ ← w² (r/(2π) + (1/2 − t/(2π)) c) + b²`` and ``Θ ← Σ + w² (1/2 − t/(2π)) Θ``."""
    d = len(u)
    layers = _layers(arch)
    w2, b2 = mp.mpf(layers[0][0]) ** 2, mp.mpf(layers[0][1]) ** 2

    def first(a, b):
        return w2 * mp.fsum(ai * bi for ai, bi in zip(a, b)) / d + b2

    q, qp, c = first(u, u), first(v, v), first(u, v)
    theta = c
    for ws, bs in layers[1:]:
        w2, b2 = mp.mpf(ws) ** 2, mp.mpf(bs) ** 2
        r = mp.sqrt(max(q * qp - c * c, mp.mpf(0)))
        t = mp.atan2(r, c)
        e_dphi = mp.mpf(1) / 2 - t / (2 * mp.pi)
        c = w2 * (r / (2 * mp.pi) + e_dphi * c) + b2
        theta = c + w2 * e_dphi * theta
        q, qp = w2 * q / 2 + b2, w2 * qp / 2 + b2
    return c, theta


def kernels(x1, x2, arch):
    """``(K, Θ)`` Gram matrices of two input lists, as float64 arrays ``(n1, n2)`` (50 digits inside)."""
    with mp.workdps(DIGITS):
        a, b = _mp_rows(x1), _mp_rows(x2)
        pairs = [[relu_kernel_entry(u, v, arch) for v in b] for u in a]
        return (np.array([[float(k) for k, _ in row] for row in pairs]),
                np.array([[float(t) for _, t in row] for row in pairs]))


def gp_means_and_variances(x_test, x_train, y_train, times, arch):
    """The NNGP posterior and the NTK-GP of gradient flow at ``x_test``, at 50 digits, by the
    formulas of ntkcore.gp with explicit inverses and matrix exponentials:

    NNGP:   mean = K(x,X) K(X,X)⁻¹ Y,  var = K(x,x) − K(x,X) K(X,X)⁻¹ K(X,x);
    NTK-GP: A_t = Θ(x,X) Θ(X,X)⁻¹ (I − e^{−Θ(X,X) t})  (t = ∞: Θ(x,X) Θ(X,X)⁻¹),
            mean = A_t Y,  var = K(x,x) + A_t K(X,X) A_tᵀ − 2 A_t K(X,x).

    Returns float64 arrays: ``nngp_mean``, ``nngp_var`` (n,), ``ntk_mean``, ``ntk_var`` (T, n).
    """
    with mp.workdps(DIGITS):
        xt, xd = _mp_rows(x_test), _mp_rows(x_train)
        n, m = len(xt), len(xd)
        td = [[relu_kernel_entry(u, v, arch) for v in xd] for u in xt]
        dd = [[relu_kernel_entry(u, v, arch) for v in xd] for u in xd]
        k_tt = [relu_kernel_entry(u, u, arch)[0] for u in xt]
        k_td = mp.matrix([[k for k, _ in row] for row in td])
        th_td = mp.matrix([[t for _, t in row] for row in td])
        k_dd = mp.matrix([[k for k, _ in row] for row in dd])
        th_dd = mp.matrix([[t for _, t in row] for row in dd])
        y = mp.matrix([mp.mpf(float(v)) for v in y_train])

        def mean_var(A):
            mean = A * y
            AK = A * k_dd
            var = [k_tt[i] + mp.fsum(AK[i, j] * A[i, j] for j in range(m))
                   - 2 * mp.fsum(A[i, j] * k_td[i, j] for j in range(m)) for i in range(n)]
            return [float(mean[i]) for i in range(n)], [float(v) for v in var]

        nngp_mean, nngp_var = mean_var(k_td * k_dd ** -1)
        th_inv = th_dd ** -1
        ntk = [mean_var(th_td * th_inv if t == np.inf else
                        th_td * th_inv * (mp.eye(m) - mp.expm(-th_dd * mp.mpf(float(t))))) for t in times]
        return {"nngp_mean": np.array(nngp_mean), "nngp_var": np.array(nngp_var),
                "ntk_mean": np.array([a for a, _ in ntk]), "ntk_var": np.array([b for _, b in ntk])}
