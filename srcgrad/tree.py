"""Parameter trees as flat vectors, for optimisers that want one (SciPy's).

A *tree* is a nest of dicts, lists and tuples (namedtuples too) whose leaves
are numbers (Python or NumPy) and ndarrays.  :func:`flatten` lays the leaves
end to end in one 1-D array and hands back the function that undoes it, like
JAX's ``ravel_pytree``::

    vector, unflatten = srcgrad.tree.flatten(params)
    params_again = unflatten(vector)

Guarantees:

- the order of the leaves is deterministic: depth first, list and tuple items
  in order, dict items in the order of their *sorted* keys (so two dicts with
  the same keys -- parameters and their gradients -- flatten alike, whatever
  order their keys were inserted in);
- the vector's dtype is NumPy's result type of the leaves (float64 for Python
  floats; float64 for a tree of floats, complex where a leaf is complex; at
  least float64 when there is no leaf at all);
- ``unflatten`` rebuilds the tree's structure (containers of the same types,
  dicts in their own key order) with each leaf of its own kind, shape and
  dtype: a Python float for a float, a NumPy scalar for a NumPy scalar, a
  fresh ndarray (never a view of the vector) for an array.  Integer leaves are
  cast back to their dtype (so truncated: keep what you optimise float);
- ``None`` is an empty subtree (no entry in the vector, ``None`` again after);
- nothing given to these functions is changed.

>>> import numpy as np
>>> params = {"w": np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32), "b": 0.5}
>>> vector, unflatten = flatten(params)
>>> vector                    # "b" sorts before "w"
array([0.5, 1. , 2. , 3. , 4. ])
>>> back = unflatten(vector * 2)
>>> back["b"], back["w"].dtype, back["w"].tolist()
(1.0, dtype('float32'), [[2.0, 4.0], [6.0, 8.0]])
>>> list(back)                # the dict's own key order
['w', 'b']
"""

import builtins
import numbers

import numpy as np

__all__ = ["flatten", "unflatten", "leaves", "map"]

_NUMBER_KINDS = "biufc"


def _is_leaf(x):
    """Whether ``x`` is a leaf: a number or an array of numbers."""
    if isinstance(x, np.ndarray):
        return x.dtype.kind in _NUMBER_KINDS
    return isinstance(x, (numbers.Number, np.generic)) and np.asarray(x).dtype.kind in \
        _NUMBER_KINDS


def _sorted_keys(d):
    """A dict's keys in sorted order (keys of mixed types: by type name, then
    by their repr -- still deterministic)."""
    try:
        return sorted(d)
    except TypeError:
        return sorted(d, key=lambda k: (type(k).__name__, repr(k)))


def _walk(tree, path, out):
    """Append ``(path, leaf)`` for every leaf of ``tree``, in flattening order."""
    if tree is None:
        return out
    if isinstance(tree, dict):
        for k in _sorted_keys(tree):
            _walk(tree[k], path + "[%r]" % (k,), out)
    elif isinstance(tree, (list, tuple)):
        for i, v in enumerate(tree):
            _walk(v, path + "[%d]" % i, out)
    elif _is_leaf(tree):
        out.append((path, tree))
    else:
        raise TypeError("srcgrad.tree: the leaf at tree%s is a %s; a tree holds dicts, lists, "
                        "tuples, None, numbers and arrays of numbers"
                        % (path, type(tree).__name__))
    return out


def leaves(tree):
    """The leaves of ``tree`` in flattening order (the objects themselves).

    >>> leaves({"b": [1.0, (2, None)], "a": 3.0})
    [3.0, 1.0, 2]
    """
    return [leaf for _, leaf in _walk(tree, "", [])]


def _rebuild(tree, it):
    """``tree``'s structure with its leaves taken, in order, from ``it``."""
    if tree is None:
        return None
    if isinstance(tree, dict):
        new = {k: _rebuild(tree[k], it) for k in _sorted_keys(tree)}
        return type(tree)((k, new[k]) for k in tree) if type(tree) is not dict else \
            {k: new[k] for k in tree}
    if isinstance(tree, (list, tuple)):
        items = [_rebuild(v, it) for v in tree]
        if isinstance(tree, tuple) and hasattr(type(tree), "_fields"):
            return type(tree)(*items)
        return type(tree)(items)
    return next(it)


def map(fn, tree, *rest):
    """A tree of ``tree``'s structure whose leaves are ``fn(leaf, *others)``,
    ``others`` being the leaves at the same place in the trees ``rest`` (of the
    same structure).

    >>> map(lambda p, g: p - 0.1 * g, {"w": 1.0, "b": [2.0]}, {"w": 10.0, "b": [20.0]})
    {'w': 0.0, 'b': [0.0]}
    """
    firsts = leaves(tree)
    others = [leaves(t) for t in rest]
    for t, got in zip(rest, others):
        if len(got) != len(firsts):
            raise ValueError("srcgrad.tree.map: the trees have %d and %d leaves; they must "
                             "have one structure" % (len(firsts), len(got)))
    results = builtins.map(fn, firsts, *others)
    return _rebuild(tree, iter(list(results)))


class _Leaf:
    """How to turn a slice of the vector back into one leaf."""

    __slots__ = ("shape", "size", "dtype", "kind")

    def __init__(self, leaf):
        a = np.asarray(leaf)
        self.shape, self.size = a.shape, a.size
        if isinstance(leaf, np.ndarray):
            self.kind = "array"
        elif isinstance(leaf, np.generic):
            self.kind = "numpy scalar"
        else:
            self.kind = type(leaf)     # bool, int, float, complex (or a Number subclass)
        self.dtype = a.dtype

    def make(self, piece):
        if self.kind == "array":
            return np.array(piece.reshape(self.shape), dtype=self.dtype)  # a fresh copy
        if self.kind == "numpy scalar":
            return self.dtype.type(piece[0])
        value = piece[0]
        if self.kind is bool:
            return bool(value)
        if self.kind is complex or np.iscomplexobj(value) and not issubclass(
                self.kind, numbers.Complex):
            return complex(value)
        if issubclass(self.kind, numbers.Integral):
            return int(value.real)
        return float(value.real)


def flatten(tree):
    """``(vector, unflatten)``: the leaves of ``tree`` laid end to end in a
    fresh 1-D array, and the function that rebuilds a tree like ``tree`` from
    any vector of that size (see the module's guarantees).

    >>> vector, unflatten = flatten([1.0, (np.zeros(2), np.float32(3.0))])
    >>> vector
    array([1., 0., 0., 3.])
    >>> unflatten(np.arange(4.0))
    [0.0, (array([1., 2.]), np.float32(3.0))]
    >>> unflatten(np.zeros(3))
    Traceback (most recent call last):
    ...
    ValueError: unflatten: expected a vector of 4 numbers (the tree's leaves), got one of shape (3,)
    """
    found = _walk(tree, "", [])
    specs = [_Leaf(leaf) for _, leaf in found]
    dtypes = [np.asarray(leaf).dtype if not isinstance(leaf, float) else np.float64
              for _, leaf in found]
    dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.float64)
    if dtype.kind in "biu":
        dtype = np.result_type(dtype, np.float64)
    if found:
        vector = np.concatenate([np.asarray(leaf, dtype=dtype).reshape(-1)
                                 for _, leaf in found])
    else:
        vector = np.zeros(0, dtype=dtype)
    total = vector.size
    bounds = np.cumsum([0] + [s.size for s in specs])
    skeleton = _rebuild(tree, iter(range(len(specs))))   # the user's containers may change

    def unflatten(vector):
        """A tree like the one flattened, its leaves read from ``vector``."""
        v = np.asarray(vector)
        if v.size != total or v.ndim > 1:
            raise ValueError("unflatten: expected a vector of %d numbers (the tree's leaves), "
                             "got one of shape %s" % (total, v.shape))
        v = v.reshape(-1)
        made = [spec.make(v[bounds[i]:bounds[i + 1]]) for i, spec in enumerate(specs)]
        return _rebuild(skeleton, iter(made))
    return vector, unflatten


def unflatten(tree, vector):
    """A tree like ``tree`` whose leaves are read from ``vector``: the same as
    ``flatten(tree)[1](vector)``.

    >>> unflatten({"a": 0.0, "b": np.zeros(2)}, [1.0, 2.0, 3.0])
    {'a': 1.0, 'b': array([2., 3.])}
    """
    return flatten(tree)[1](vector)
