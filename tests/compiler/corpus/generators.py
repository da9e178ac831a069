"""Generators: user generator functions consumed whole (for without break, sum,
list, tuple, enumerate, comprehensions) or by zip over sized values (then only
as far as Python would run them, so an endless generator is fine), ``yield
from`` pipelines, generators nested in the function and in helpers."""

import numpy as np

from . import Case

SCALE = 0.5


def minibatch_losses(W, X, Y, batch):
    for start in range(0, X.shape[0], batch):
        xb = X[start:start + batch]
        yb = Y[start:start + batch]
        yield np.mean((np.tanh(xb @ W) - yb) ** 2)


def minibatch_training_loss(W, X, Y):
    return sum(minibatch_losses(W, X, Y, 2)) / 3.0


def rows_scaled(x):
    for row in x:
        yield row * SCALE


def summaries(x):
    yield np.sum(x)
    yield from rows_scaled(x)          # a generator
    yield from [np.max(x), np.min(x)]  # an iterable


def pipeline_features(x):
    feats = list(summaries(x))
    return np.sum(np.stack([np.sum(f) for f in feats]) ** 2)


def powers(x, n):
    p = x
    for _ in range(n):
        yield p
        p = p * x


def for_loop_consumer(x):
    s = 0.0
    for t in powers(x, 4):
        s = s + np.sum(np.sin(t))
    return s


def enumerate_consumer(x):
    s = 0.0
    for i, t in enumerate(powers(x, 3)):
        s = s + (i + 1.0) * np.sum(t)
    return s


def geometric(x):
    """Endless: only zip's other argument bounds it."""
    term = x
    while True:
        yield term
        term = term * 0.5


def zip_consumer(x, weights):
    s = 0.0
    for t, w in zip(geometric(x), weights):
        s = s + w * np.sum(t ** 2)
    for w, t in zip([1.0, -2.0], geometric(x * 2.0)):
        s = s + w * np.sum(np.cos(t))
    return s


def until_small(x):
    """A generator that returns early."""
    v = x
    for _ in range(10):
        if np.sum(v ** 2) < 0.1:
            return
        yield v
        v = v * 0.6


def early_return_consumer(x):
    return np.sum(tuple(until_small(x))[0]) + np.sum(sum(until_small(x)))


def nested_generator(x, w):
    def terms():
        for i in range(3):
            yield np.tanh(w * x + i)
    return np.sum(sum(terms()) ** 2)


def helper_sums(x):
    return sum(t * t for t in powers(x, 3))


def generator_in_helper(x):
    return np.sum(helper_sums(x) + helper_sums(x * 0.5))


def comprehension_consumer(x):
    return np.sum(np.stack([np.sum(t) for t in powers(x, 3)]))


V = np.array([0.3, -0.8, 1.2])
RNG = np.random.RandomState(3)
XS = RNG.randn(6, 3)
YS = RNG.randn(6, 2)
WS = RNG.randn(3, 2) * 0.5
M = RNG.randn(3, 2)

CASES = [
    Case(minibatch_training_loss, [(WS, XS, YS)]),
    Case(pipeline_features, [(M,), (M[:1],)]),
    Case(for_loop_consumer, [(V,), (0.7,)]),
    Case(enumerate_consumer, [(V,)]),
    Case(zip_consumer, [(V, [1.0, 0.5, 0.25]), (V, []), (0.9, np.array([2.0, 1.0]))],
         wrt=(0,)),
    Case(early_return_consumer, [(V,), (np.array([0.5, 0.2]),)]),
    Case(nested_generator, [(V, 0.7)], wrt=(0, 1)),
    Case(generator_in_helper, [(V,)]),
    Case(comprehension_consumer, [(V,)]),
]
