"""*args / **kwargs and star-unpacking: definitions with ``*args`` and
``**kwargs`` (differentiated functions and helpers), keyword arguments into a
helper's ``**kwargs``, helpers called with different numbers of arguments,
``f(*xs)`` with ``xs`` built in a loop, ``zip(*pairs)`` over a parameter list,
``[*a, *b]`` displays, ``randn(*x.shape)`` noise, and starred assignment
targets."""

import numpy as np

from . import Case

RNG = np.random.RandomState(11)
W4 = RNG.randn(4)
W6 = RNG.randn(6)
A2, B2, C2 = RNG.randn(2), RNG.randn(2), RNG.randn(2)
X = RNG.randn(5, 3)
Y = RNG.randn(5)
P3 = RNG.randn(3)
V3 = RNG.randn(3)
LAYERS = [(RNG.randn(3, 3), RNG.randn(3)), (RNG.randn(3, 3), RNG.randn(3))]
MATS = [RNG.randn(3, 3) * 0.5 for _ in range(3)]


# -- *args / **kwargs in definitions ----------------------------------------------------

def concat_and_multiply(weights, *args):
    """autograd's examples/rnn.py helper."""
    cat = np.concatenate(args)
    return np.dot(cat, weights)


def _symmetrize(A):
    L = np.tril(A)
    return (L + L.T) / 2.0


_scaled_norm = lambda M, s=1.0: np.sum(M * M) * s   # noqa: E731


def forwards_the_rest(*args):
    """autograd's test_linalg.py checker: ``fun(sym(args[0]), *args[1:])``,
    the rest of a ``*args`` tuple of known length forwarded to a callee."""
    return _scaled_norm(_symmetrize(args[0]), *args[1:])


def squared_loss(params, *data):
    x, y = data
    pred = np.tanh(x @ params)
    return np.sum((pred - y) ** 2)


def penalised_loss(params, *data, **hyper):
    loss = squared_loss(params, *data)
    for name in hyper:
        if name == "l2":
            loss = loss + hyper["l2"] * np.sum(params ** 2)
        elif name == "l1":
            loss = loss + hyper["l1"] * np.sum(np.abs(params))
    return loss * hyper.get("scale", 1.0)


def objective_with_hyper(params, x, y):
    """Keyword arguments into a helper's **kwargs, two structures in one function."""
    return penalised_loss(params, x, y, l2=0.1) + \
        penalised_loss(params, x, y, l1=0.05, l2=0.2, scale=0.5)


def sum_of_squares(*xs):
    total = 0.0
    for v in xs:
        total = total + np.sum(v * v)
    return total


def helper_called_with_counts(a, b):
    """One varargs helper called with one, two and three arguments."""
    return sum_of_squares(a) + sum_of_squares(a, b) + 0.5 * sum_of_squares(a, b, a * b)


def weighted(x, *rest, k=2.0, **opts):
    out = k * np.sum(x)
    for r in rest:
        out = out + np.sum(r * x)
    for name in opts:
        out = out + opts[name] * np.sum(x ** 2)
    return out


def calls_weighted(x, y):
    """Keyword-only parameters after *args, and a differentiated **kwargs value."""
    return weighted(x, y, y, k=3.0, alpha=y[0]) + weighted(x) + weighted(y, x, beta=0.25)


# -- run-time-length *-unpacking ----------------------------------------------------------

def pair_product(a, b):
    return a * b


def star_call_of_a_built_list(x):
    """f(*xs) with xs built in a loop, into a helper of fixed arity."""
    xs = []
    for i in range(2):
        xs.append(np.sin(x) * (i + 1.0))
    return np.sum(pair_product(*xs))


def star_into_varargs_helper(x, w):
    """f(w, *xs) into a *args helper: the sequence goes whole to *args."""
    xs = []
    for i in range(3):
        xs.append(x * (i + 1.0))
    return sum_of_squares(w, *xs) + sum_of_squares(*xs[1:])


def chain(h, *mats):
    for M in mats:
        h = np.tanh(M @ h)
    return h


def star_parameter_list(mats, x):
    """A parameter list of run-time length spread into a *args helper."""
    return np.sum(chain(x, *mats) ** 2)


def unpack_layers(params):
    Ws = [layer[0] for layer in params]
    bs = [layer[1] for layer in params]
    return Ws, bs


def zip_star_over_parameters(params, x):
    """for W, b in zip(*unpack(params)) over a parameter list."""
    h = x
    for W, b in zip(*unpack_layers(params)):
        h = np.tanh(W @ h + b)
    return np.sum(h ** 2)


def stack_of_spliced_lists(x, ys):
    """np.stack([*a, *b]): one list literal, one list of run-time length."""
    a = [x, x * 2.0]
    return np.sum(np.stack([*a, *ys, x ** 2]) ** 2)


def noise_scaled_by_parameter(x, sigma):
    """randn(*x.shape) noise (no gradient), scaled by a differentiated value."""
    rs = np.random.RandomState(0)
    eps = rs.randn(*x.shape)
    more = np.random.RandomState(1).standard_normal(size=x.shape)
    return np.sum((x + sigma * eps) ** 2 + more * x)


def count(*xs, scale=1.0, **kw):
    return len(xs) * scale + len(kw)


def weigh(w, *xs):
    return w * len(xs)


def constant_varargs_calls(x):
    """Calls no gradient goes through, with run-time-length and keyword
    arguments: run as written."""
    ys = []
    for i in range(2):
        ys.append(float(i))
    n = count(*ys, scale=2.0, extra=1)
    m = count(1.0, 2.0)
    k = weigh(2.0, *ys)
    return np.sum(np.sin(x)) * (n + m + k)


# -- starred assignment targets -----------------------------------------------------------

def first_and_rest(params, x):
    first, *rest = params
    h = np.tanh(first @ x)
    for M in rest:
        h = np.tanh(M @ h)
    return np.sum(h)


def starred_literal_targets(x):
    a, *b = [x, 2.0 * x, x ** 2]
    *init, last = (x, np.sin(x), np.cos(x))
    head, (p, *q), tail = x, [x * 2.0, x * 3.0, x * 4.0], x
    return np.sum(a * b[0] + b[1]) + np.sum(last * init[1]) + \
        np.sum(p * q[1] + tail + head) + len(init)


def middle_star(xs):
    lo, *mid, hi = xs
    return np.sum(lo * hi) + sum(np.sum(m ** 2) for m in mid)


CASES = [
    Case(concat_and_multiply, [(W4, A2, B2), (W6, A2, B2, C2)], wrt=(0, 1, 2)),
    Case(squared_loss, [(P3, X, Y)], wrt=(0, 1)),
    Case(forwards_the_rest, [(MATS[0],), (MATS[0], 0.5)], wrt=(0,)),
    Case(objective_with_hyper, [(P3, X, Y)], wrt=(0, 1)),
    Case(sum_of_squares, [(A2, B2, C2), (V3,)], wrt=(0,)),
    Case(helper_called_with_counts, [(A2, B2), (V3, P3)], wrt=(0, 1)),
    Case(calls_weighted, [(V3, P3)], wrt=(0, 1)),
    Case(star_call_of_a_built_list, [(V3,)]),
    Case(star_into_varargs_helper, [(V3, 0.7)], wrt=(0, 1)),
    Case(star_parameter_list, [(MATS, V3), (MATS[:1], P3)], wrt=(0, 1)),
    Case(zip_star_over_parameters, [(LAYERS, V3)], wrt=(0, 1)),
    Case(stack_of_spliced_lists, [(V3, [P3, V3 * 2.0]), (A2, [B2])], wrt=(0, 1)),
    Case(noise_scaled_by_parameter, [(V3, 0.3), (X, 1.5)], wrt=(0, 1)),
    Case(constant_varargs_calls, [(V3,)]),
    Case(first_and_rest, [(MATS, V3), (MATS[:1], P3)], wrt=(0, 1)),
    Case(starred_literal_targets, [(V3,)]),
    Case(middle_star, [([A2, B2, C2, A2 * 2.0],), ([V3, P3],)]),
]
