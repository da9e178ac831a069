"""Elementwise rules: NumPy ufuncs and friends.

Rules return the cotangent at the broadcast shape; the engines undo
broadcasting (these primitives are registered with ``broadcasts=True``).
"""

import numpy as np

from . import defvjp, defnondiff

# ---------------------------------------------------------------- arithmetic


def add_vjp_x(g, ans, x, y):
    return g


def add_vjp_y(g, ans, x, y):
    return g


def subtract_vjp_y(g, ans, x, y):
    return -g


def multiply_vjp_x(g, ans, x, y):
    return g * y


def multiply_vjp_y(g, ans, x, y):
    return g * x


defvjp(np.add, add_vjp_x, add_vjp_y, broadcasts=True)
defvjp(np.subtract, add_vjp_x, subtract_vjp_y, broadcasts=True)
defvjp(np.multiply, multiply_vjp_x, multiply_vjp_y, broadcasts=True)

# -------------------------------------------------------------- transcendental


def sin_vjp(g, ans, x):
    return g * np.cos(x)


def exp_vjp(g, ans, x):
    return g * ans


defvjp(np.sin, sin_vjp)
defvjp(np.exp, exp_vjp)

defnondiff(np.sign, np.floor, np.ceil)
