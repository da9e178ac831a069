"""try / except / else / finally, raise, assert and with-blocks, as real code uses them.

Each case has inputs where the exception is raised and inputs where it is not;
several raise it part-way through a protected body, after statements that
already ran (and pushed saved values), so the adjoint must reverse exactly
what ran.
"""

import contextlib
import time
import warnings

import numpy as np

from . import Case

TIMINGS = []
CALLS = []


def _strict(x, limit):
    if np.max(x) > limit:
        raise ValueError("out of range: %s" % limit)
    return np.sin(x) * limit


def _positive(v):
    if v <= 0:
        raise ValueError("not positive")
    return v * v


@contextlib.contextmanager
def timer(label):
    start = time.perf_counter()
    yield label
    TIMINGS.append((label, time.perf_counter() - start))


# ------------------------------------------------------------ try / except


def gp_cholesky_jitter(noise, pts, ys):
    """A Gaussian-process log-likelihood: the jittered Cholesky runs when
    the plain one fails (noise < 0 makes K indefinite)."""
    d = pts[:, None] - pts[None, :]
    K = np.exp(-0.5 * d ** 2) + noise * np.eye(len(pts))
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(K + (1.0 - 2.0 * noise) * np.eye(len(pts)))
    alpha = np.linalg.solve(L, ys)
    return 0.5 * alpha @ alpha + np.sum(np.log(np.diag(L)))


def partial_body_then_handler(x):
    """The second statement raises half-way through its comprehension, after
    the first statement ran: only the first is reversed."""
    y = x * 1.5
    try:
        y = np.sin(y) * x
        parts = [_positive(v) * y[0] for v in x]
        y = y + sum(parts)
    except ValueError:
        y = y * 2.0 + x
    return np.sum(y * y)


def several_statements_and_else(x):
    y = np.cos(x)
    try:
        a = y * x
        b = _strict(a, 0.8)
        c = b * a
    except (ValueError, FloatingPointError) as e:
        c = a * len(str(e))
    else:
        c = c + np.tanh(a)
    return np.sum(c)


def try_in_a_loop(x, n):
    """Some iterations take the handler, others not: the flags are saved per
    iteration."""
    s = 0.0
    for i in range(n):
        try:
            r = _strict(x * (i + 1), 2.5)
            s = s + np.sum(r * x)
        except ValueError:
            s = s + np.sum(x * x) * i
    return s


def nested_fallbacks(x):
    try:
        y = _strict(x, 1.0)
    except ValueError:
        try:
            y = _strict(x, 2.0)
        except ValueError:
            y = x * 0.5
    return np.sum(y ** 2)


def try_finally(x):
    s = np.sum(x)
    try:
        y = np.tanh(x) * s
        y = y * x
    finally:
        CALLS.append(1)
        s = s * 2.0
    return np.sum(y) + s


def errstate_raise_and_catch(x):
    with np.errstate(divide="raise", invalid="raise"):
        try:
            y = np.log(x) * x
        except FloatingPointError:
            y = x - 1.0
    return np.sum(y * x)


def raise_in_branch(x):
    if np.any(np.isnan(x)):
        raise ValueError("nan in input")
    return np.sum(np.exp(-x * x))


def caller_of_raising_helper(x):
    try:
        y = _strict(x, 1.5) * x
    except ValueError as err:
        CALLS.append(str(err))
        y = np.sqrt(x * x + 1.0)
    return np.sum(y)


def assert_checks(x):
    assert x.ndim == 1, "expected a vector, got %d dimensions" % x.ndim
    y = np.exp(x) / np.sum(np.exp(x))
    assert np.all(y >= 0)
    return np.sum(y * x)


def assert_two_values(x):
    assert x.shape == (2,), "need two values, got %d" % x.size
    return np.sum(x * x)


# ------------------------------------------------------------ with blocks


def with_errstate_and_warnings(x):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = np.where(x > 0, np.log(np.abs(x) + 1e-300), x)
    return np.sum(y * x)


def with_user_timer(x, n):
    s = 0.0
    with timer("loop") as label:
        for i in range(n):
            s = s + np.sum(np.sin(x * i))
        s = s * len(label)
    return s


def with_in_loop(x):
    s = 0.0
    for v in x:
        with timer("step"):
            s = s + np.sin(v) * v
    return s


def with_nullcontext(x):
    with contextlib.nullcontext(3.0) as scale:
        y = x * scale
    return np.sum(np.tanh(y))


V = np.array([0.3, -0.7, 1.1])
POS = np.array([0.5, 1.5, 0.25])
PTS = np.array([0.0, 0.3, 1.1, 1.9])
YS = np.array([0.4, -0.2, 0.9, 0.1])

CASES = [
    Case(gp_cholesky_jitter, [(0.5, PTS, YS), (-0.5, PTS, YS)]),
    Case(partial_body_then_handler, [(np.array([1.0, 2.0, 0.5]),),
                                     (np.array([1.0, 2.0, -1.0, 3.0]),),
                                     (np.array([-1.0, 2.0]),)]),
    Case(several_statements_and_else, [(np.array([0.3, 0.9, 0.1]),),
                                       (np.array([1.0, 0.2, 0.4]),)]),
    Case(try_in_a_loop, [(np.array([0.3, 0.5]), 4), (np.array([0.1, 0.2]), 3)]),
    Case(nested_fallbacks, [(np.array([0.3, 0.5]),), (np.array([1.5, 0.5]),),
                            (np.array([2.5, 0.5]),)]),
    Case(try_finally, [(V,)]),
    Case(errstate_raise_and_catch, [(POS,), (np.array([-0.5, 1.5]),)]),
    Case(raise_in_branch, [(V,)]),
    Case(caller_of_raising_helper, [(np.array([0.3, 0.5]),), (np.array([2.0, 0.5]),)]),
    Case(assert_checks, [(V,)]),
    Case(with_errstate_and_warnings, [(V,)]),
    Case(with_user_timer, [(V, 3)]),
    Case(with_in_loop, [(V,)]),
    Case(with_nullcontext, [(V,)]),
]
