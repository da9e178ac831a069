"""Complex numbers the way numerical code uses them: phases, Fourier features,
complex least squares, unitary evolution (docs/semantics.md, "Complex
numbers": the gradient of a real loss wrt z = x + iy is dL/dx + i dL/dy)."""

import numpy as np

from . import Case

_rng = np.random.default_rng(7)
A = _rng.normal(size=(4, 3)) + 1j * _rng.normal(size=(4, 3))
B = _rng.normal(size=4) + 1j * _rng.normal(size=4)
Z3 = np.array([0.3 + 0.4j, -1.0 + 0.2j, 0.5 - 0.7j])


def complex_least_squares(z):
    r = A @ z - B
    return np.real(np.vdot(r, r))


def phase_retrieval(z):
    """Fit intensities |A z|^2: non-holomorphic, and the loss ignores a global phase."""
    target = np.array([1.0, 2.0, 0.5, 1.5])
    return np.sum((np.abs(A @ z) ** 2 - target) ** 2)


def fourier_features(x, w):
    """A real argument through complex intermediates: its gradient is real."""
    phases = np.exp(1j * np.outer(x, w))
    return np.sum(np.abs(np.sum(phases, axis=0)) ** 2)


def unitary_evolution(theta, psi):
    """Evolve a state with exp(-i theta H) built from a Hermitian H's eigenbasis."""
    h = np.array([[1.0, 0.5 - 0.2j], [0.5 + 0.2j, -0.3]])
    w, v = np.linalg.eigh(h)
    u = v @ np.diag(np.exp(-1j * theta * w)) @ np.conj(v.T)
    out = u @ psi
    return np.abs(out[0]) ** 2 - 0.5 * np.real(np.conj(out[1]) * out[0])


def rotate_and_accumulate(z, n):
    acc = 0.0 + 0.0j
    for k in range(n):
        acc = acc + z[k % 3] * np.exp(1j * 0.3 * k)
        if np.real(acc) > 2.0:
            acc = acc * 0.5
    return np.abs(acc) + np.angle(acc + 3.0)


def polar_parts(z):
    r = np.abs(z)
    theta = np.angle(z)
    rebuilt = r * np.exp(1j * theta)
    return np.sum(np.real(rebuilt) * z.imag + r ** 2) + np.var(z)


def scalar_complex(c):
    return abs(c * c + 1.0) + (c * np.conj(c)).real


CASES = [
    Case(complex_least_squares, [(Z3.copy(),)]),
    Case(phase_retrieval, [(Z3.copy(),)]),
    Case(fourier_features, [(np.array([0.1, 0.7, -0.4]), np.array([1.0, 2.5])),
                            (np.array([0.3]), np.array([0.5, -1.0]))], wrt=(0, 1)),
    Case(unitary_evolution, [(0.7, np.array([0.6 + 0.0j, 0.0 + 0.8j]))], wrt=(0, 1)),
    Case(rotate_and_accumulate, [(Z3.copy(), 5), (Z3 * 3.0, 7)]),
    Case(polar_parts, [(Z3.copy(),)]),
    Case(scalar_complex, [(0.3 - 1.2j,), (2.0 + 0.5j,)]),
]
