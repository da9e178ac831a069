"""autograd.misc.flatten, written in plain NumPy: ``flatten(tree)`` ->
``(vector, unflatten)``, dict keys sorted as autograd does.

autograd's own ``flatten`` and ``unflatten`` are differentiable (they are
built with its ``make_vjp``), and examples call them inside objectives
(``l2_norm(params)``).  Here both are srcgrad primitives with a rule: the VJP
of ``flatten`` is ``unflatten`` of the vector's cotangent, the VJP of
``unflatten`` is ``flatten`` of the tree's cotangent (a leaf without one is
zero).  ``flatten_func`` is ordinary code, as in autograd."""

import numpy as np

import srcgrad


def _spec(value, start):
    t = type(value)
    if t in (list, tuple):
        out = []
        for v in value:
            s, start = _spec(v, start)
            out.append(s)
        return (t, out), start
    if t is dict:
        out = []
        for k in sorted(value):
            s, start = _spec(value[k], start)
            out.append((k, s))
        return (dict, out), start
    shape = np.shape(value)
    size = int(np.prod(shape))
    return ("leaf", (start, start + size, shape, isinstance(value, np.ndarray))), start + size


def _leaves(value):
    t = type(value)
    if t in (list, tuple):
        return [x for v in value for x in _leaves(v)]
    if t is dict:
        return [x for k in sorted(value) for x in _leaves(value[k])]
    return [np.ravel(value)]


def _build(spec, vector):
    kind, body = spec
    if kind == "leaf":
        start, stop, shape, is_array = body
        piece = np.reshape(vector[start:stop], shape)
        return piece if is_array or shape != () else piece[()]
    if kind is dict:
        return {k: _build(s, vector) for k, s in body}
    return kind([_build(s, vector) for s in body])


def _flatten_like(spec, tree):
    """The vector of ``tree``'s leaves in ``spec``'s layout (``None`` -> zeros)."""
    kind, body = spec
    if kind == "leaf":
        start, stop, shape, _ = body
        return [np.zeros(stop - start) if tree is None else np.ravel(tree)]
    if kind is dict:
        return [x for k, s in body for x in _flatten_like(s, None if tree is None else tree[k])]
    return [x for i, s in enumerate(body)
            for x in _flatten_like(s, None if tree is None else tree[i])]


def _vector(spec, tree):
    parts = _flatten_like(spec, tree)
    return np.concatenate(parts) if parts else np.array([])


def flatten(value):
    spec, _ = _spec(value, 0)
    parts = _leaves(value)
    vector = np.concatenate(parts) if parts else np.array([])

    def unflatten(vector):
        return _build(spec, vector)

    def unflatten_vjp(g, ans, vector):
        return _vector(spec, g)
    srcgrad.defvjp(unflatten, unflatten_vjp)
    return vector, unflatten


def flatten_vjp(g, ans, value):
    spec, _ = _spec(value, 0)
    return _build(spec, np.asarray(g[0]))


srcgrad.defvjp(flatten, flatten_vjp)


def flatten_func(func, example):
    _ex, unflatten = flatten(example)

    def _func(_x, *args):
        return flatten(func(unflatten(_x), *args))[0]
    return _func, unflatten, _ex
