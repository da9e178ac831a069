"""Numerical routines built on NumPy's signal-style and misc functions:
np.gradient, np.convolve/np.correlate, np.interp, np.polyval, np.trapezoid,
np.vander, np.r_/np.c_, the remainder (``%``, np.mod, np.fmod) and reductions
with ``where=``."""

import numpy as np

from . import Case

KNOTS = np.array([0.0, 0.5, 1.2, 2.0, 3.0])
QUERY = np.array([-0.3, 0.1, 0.7, 1.1, 1.9, 2.4, 3.5])
DATA_X = np.array([-1.0, -0.4, 0.2, 0.9, 1.5])
DATA_Y = np.array([0.8, 0.1, -0.2, 0.5, 1.9])
GRID = np.array([0.0, 0.3, 0.5, 1.0, 1.4, 2.0])
KERNEL = np.array([0.25, 0.5, 0.25])


def heat_step(u, kappa):
    """A few explicit steps of u_t = kappa u_xx, with np.gradient twice."""
    dx = 0.1
    for _ in range(3):
        ux = np.gradient(u, dx)
        u = u + 0.001 * kappa * np.gradient(ux, dx, edge_order=2)
    return np.sum(u ** 2)


def gradient_2d_energy(field):
    """The Dirichlet energy of a 2-D field on a non-uniform grid in x."""
    gy, gx = np.gradient(field, 0.5, GRID[:4])
    return np.sum(gx ** 2 + gy ** 2)


def smoothed_misfit(signal, kernel):
    """Smooth with a (learnable) kernel, compare with a target."""
    smooth = np.convolve(signal, kernel / np.sum(kernel), mode="same")
    return np.sum((smooth - np.linspace(0.0, 1.0, signal.shape[0])) ** 2)


def matched_filter(signal, template):
    """Peak-ish score of a cross-correlation, in 'valid' and 'full' modes."""
    score = np.correlate(signal, template, "valid")
    full = np.correlate(signal, template, mode="full")
    return np.sum(score ** 2) + 0.1 * np.sum(np.tanh(full))


def piecewise_linear_model(values, shift):
    """A piecewise-linear model through learnable knot values, evaluated at
    shifted points (some outside the knots: constant extrapolation)."""
    pred = np.interp(QUERY + shift, KNOTS, values)
    return np.sum((pred - np.sin(QUERY)) ** 2)


def polynomial_fit(coeffs):
    """Least squares of a polynomial through data points."""
    return np.mean((np.polyval(coeffs, DATA_X) - DATA_Y) ** 2)


def vandermonde_fit(coeffs, x):
    """The same fit written with the Vandermonde matrix (wrt the points too)."""
    return np.sum((np.vander(x, 3) @ coeffs - DATA_Y) ** 2)


def energy_integral(amplitude, times):
    """The trapezoidal integral of a signal's power over sample times."""
    power = (amplitude * np.sin(times)) ** 2
    return np.trapezoid(power, times) + np.trapezoid(power, dx=0.1)


def assembled_parameters(a, b):
    """Parameters assembled with np.r_ (a constant in the middle) and
    columns with np.c_."""
    theta = np.r_[a, 0.0, b]
    cols = np.c_[a, b]
    return np.sum(theta ** 2 * np.arange(1.0, 6.0)) + np.sum(cols @ np.array([1.0, -2.0]))


def wrapped_phase(theta, omega):
    """A phase wrapped with % and np.mod, an offset with np.fmod."""
    t = np.arange(3.0)
    phase = (theta + omega * t) % (2 * np.pi)
    offset = np.fmod(theta * 3.0, 1.0)
    return np.sum(np.cos(phase) * phase) + np.sum(offset ** 2) + np.mod(omega, 0.7) * 2.0


def float_remainder(x, period):
    """Python floats: the % operator on numbers."""
    return (x % period) * (x % 1.5) + period


def masked_statistics(x):
    """Reductions with where= (and initial=) on a mask."""
    mask = x > 0.0
    return (np.sum(x ** 2, where=mask) + np.mean(x, where=mask) + np.std(x, where=mask)
            + np.max(x, where=mask, initial=-10.0) + np.prod(x, where=mask))


CASES = [
    Case(heat_step, [(np.sin(np.linspace(0.0, 3.0, 8)), 0.7)], wrt=(0, 1)),
    Case(gradient_2d_energy, [(np.outer(np.arange(1.0, 4.0), np.cos(GRID[:4])),)]),
    Case(smoothed_misfit, [(np.array([0.3, 1.2, -0.5, 0.8, 2.0, 0.1]), KERNEL)], wrt=(0, 1)),
    Case(matched_filter, [(np.array([0.3, 1.2, -0.5, 0.8, 2.0, 0.1]),
                           np.array([1.0, -0.5, 0.25]))], wrt=(0, 1)),
    Case(piecewise_linear_model, [(np.array([0.0, 0.4, 0.9, 1.0, 0.2]), 0.05)], wrt=(0, 1)),
    Case(polynomial_fit, [(np.array([0.5, -0.2, 0.3]),), (np.array([1.0, 0.0, -1.0, 0.5]),)]),
    Case(vandermonde_fit, [(np.array([0.5, -0.2, 0.3]), DATA_X.copy())], wrt=(0, 1)),
    Case(energy_integral, [(1.3, GRID.copy())], wrt=(0, 1)),
    Case(assembled_parameters, [(np.array([0.5, -1.0]), np.array([2.0, 0.3]))], wrt=(0, 1)),
    Case(wrapped_phase, [(np.array([0.4, 2.5, -1.3]), 1.7)], wrt=(0, 1)),
    Case(float_remainder, [(3.7, 1.1), (-2.3, 0.9)], wrt=(0, 1)),
    Case(masked_statistics, [(np.array([0.5, -1.0, 2.0, 0.3, -0.2]),)]),
]
