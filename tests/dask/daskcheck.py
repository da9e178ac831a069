"""Helpers of the Dask tests: Dask arrays from NumPy arguments, a scheduler
that counts the graphs it is asked to compute, and a comparison of gradient
trees (dicts, lists, tuples, namedtuples, user objects) leaf by leaf."""

import contextlib

import numpy as np

from srcgrad.runtime import object_fields, _holds_gradient

import dask
import dask.array as da


def to_dask(a, parts=2):
    """A float ndarray as a Dask array of about ``parts`` chunks per axis
    (other values as they are)."""
    if type(a) is np.ndarray and a.dtype.kind == "f" and a.ndim >= 1 and a.size >= 2:
        return da.from_array(a, chunks=tuple(max(1, -(-n // parts)) for n in a.shape))
    return a


class Computes:
    """A scheduler (``dask.config.set(scheduler=...)``) that counts computes
    and runs them synchronously; ``forbid=True`` raises instead."""

    def __init__(self, forbid=False):
        self.count, self.forbid = 0, forbid

    def __call__(self, dsk, keys, **kwargs):
        self.count += 1
        if self.forbid:
            raise AssertionError("a Dask graph was computed before the user asked")
        return dask.get(dsk, keys, **kwargs)


@contextlib.contextmanager
def counting(forbid=False):
    computes = Computes(forbid)
    with dask.config.set(scheduler=computes):
        yield computes


def leaves(tree, path=()):
    """``(path, leaf)`` pairs of a gradient tree."""
    if isinstance(tree, dict):
        for k in tree:
            yield from leaves(tree[k], path + (k,))
    elif isinstance(tree, (list, tuple)):
        for k, v in enumerate(tree):
            yield from leaves(v, path + (k,))
    elif object_fields(tree) is not None:
        for k, v in object_fields(tree).items():
            if _holds_gradient(v):
                yield from leaves(v, path + (k,))
    else:
        yield path, tree


def assert_same_gradients(got, want, rtol=1e-7, atol=1e-9):
    """``got`` (computed already) equals ``want`` leaf by leaf, with the same
    shapes."""
    g, w = list(leaves(got)), list(leaves(want))
    assert [p for p, _ in g] == [p for p, _ in w]
    for (path, a), (_, b) in zip(g, w):
        assert np.shape(a) == np.shape(b), path
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol,
                                   err_msg=str(path))
