"""Your own model in about 20 lines: a tiny tanh network, explained by three ready-made chapters.

Render from the repository root (with the venv active):

    manim -pql examples/tanh_net.py TanhArrows     # one gradient step: the red arrows
    manim -pql examples/tanh_net.py TanhKernel     # that step's kernel, then η → 0: the exact NTK
    manim -pql examples/tanh_net.py TanhTraining   # the kernel during 15 steps of training

Copy this file, change the function and the numbers, keep the three classes at the bottom.
"""

import jax.numpy as jnp

import ntkcore
from scenes.your_model import ModelArrows, ModelKernel, ModelTraining


def tanh_net(theta, x):
    """Three tanh units: f(x; θ) = Σⱼ aⱼ·tanh(wⱼ·x/10 + bⱼ) + c, with θ = (w1..3, b1..3, a1..3, c)."""
    w, b, a, c = theta[0:3], theta[3:6], theta[6:9], theta[9]
    return jnp.dot(a, jnp.tanh(w * x / 10 + b)) + c


TANH = ntkcore.Example(
    name="tanh_net",
    title="Your model: a tiny tanh network",
    model=ntkcore.ModelSpec(
        f=tanh_net, n_params=10,
        latex=r"f(x;\theta) = \sum_{j=1}^{3} a_j \tanh\!\Big(\frac{w_j\,x}{10} + b_j\Big) + c"),
    # a rise near x = −2, a fall near x = 8, a rise near x = 15, on an offset of 30
    theta0=(3.0, -4.0, 3.0,      # w: input weights
            0.6, 3.2, -4.5,      # b: biases
            10.0, 8.0, 12.0,     # a: output weights
            30.0),               # c: offset
    x_range=(-10, 20),           # the grid: every integer x from −10 to 20
    observation=(10.0, 50.0),    # the data point (x', y)
    lr=0.003,                    # the one gradient-descent step on (f(x') − y)²: the red arrows
    ascent_lr=0.05, steps=15,    # training: 15 steps θ ← θ + 0.05·∇θ f(x')
)


class TanhArrows(ModelArrows):
    example = TANH


class TanhKernel(ModelKernel):
    example = TANH


class TanhTraining(ModelTraining):
    example = TANH
