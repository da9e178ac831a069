"""srcgrad.tree: flatten/unflatten round trips (structure, kinds, dtypes, key
order), leaves and map, and the refusals."""

import collections
import copy

import numpy as np
import pytest

import srcgrad
from srcgrad import tree

Point = collections.namedtuple("Point", "x y")


def _same(a, b):
    """Equal trees, leaf types and dtypes included."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            _same(u, v)
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b)
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


TREES = [
    {"w": np.arange(6.0).reshape(2, 3), "b": 0.5},
    [1.0, (np.zeros(2, dtype=np.float32), np.float32(3.0)), {"z": np.array(2.0)}],
    Point(x=np.ones(3), y=[2.0, None, 4.0]),
    collections.OrderedDict([("second", 2.0), ("first", np.full((1, 2), 7.0))]),
    {"a": np.array([1 + 2j, 3 - 1j]), "r": 1.5},
    {1: 1.0, "one": 2.0},         # keys of mixed types: still a deterministic order
    [],
    {"empty": [], "none": None, "x": 1.0},
]


@pytest.mark.parametrize("t", TREES, ids=range(len(TREES)))
def test_round_trip_keeps_structure_kinds_and_dtypes(t):
    before = copy.deepcopy(t)
    vector, unflatten = tree.flatten(t)
    assert vector.ndim == 1
    assert vector.size == sum(np.size(leaf) for leaf in tree.leaves(t))
    _same(unflatten(vector), t)
    _same(t, before)                          # nothing the user passed is changed
    _same(tree.unflatten(t, vector), t)


def test_vector_dtype_is_the_result_type():
    assert tree.flatten({"a": 1.0, "b": np.zeros(2, np.float32)})[0].dtype == np.float64
    assert tree.flatten([np.zeros(2, np.float32)])[0].dtype == np.float32
    assert tree.flatten([1.0, np.zeros(1, complex)])[0].dtype == np.complex128
    assert tree.flatten([1, 2])[0].dtype == np.float64
    assert tree.flatten({})[0].dtype == np.float64


def test_dict_order_is_sorted_so_gradients_line_up_with_parameters():
    params = {"w": np.array([1.0, 2.0]), "b": 3.0}
    grads = {"b": 30.0, "w": np.array([10.0, 20.0])}      # another insertion order
    np.testing.assert_array_equal(tree.flatten(params)[0], [3.0, 1.0, 2.0])
    np.testing.assert_array_equal(tree.flatten(grads)[0], [30.0, 10.0, 20.0])
    assert list(tree.flatten(params)[1](np.zeros(3))) == ["w", "b"]   # its own order back


def test_unflatten_gives_fresh_arrays_and_kinds():
    t = {"w": np.zeros((2, 2)), "s": 1.0, "n": np.float32(2.0), "i": 3}
    vector, unflatten = tree.flatten(t)
    new = np.arange(vector.size, dtype=float) + 0.75
    back = unflatten(new)
    assert type(back["s"]) is float and type(back["n"]) is np.float32
    assert type(back["i"]) is int       # cast back (truncated), as documented
    assert back["w"].base is None and back["w"].flags.writeable
    back["w"][0, 0] = 99.0
    assert 99.0 not in new                # never a view of the vector


def test_unflatten_does_not_follow_later_changes_to_the_tree():
    t = {"w": np.zeros(2)}
    _, unflatten = tree.flatten(t)
    t["extra"] = 1.0
    assert list(unflatten(np.ones(2))) == ["w"]


def test_wrong_sizes_and_leaves_are_refused_clearly():
    _, unflatten = tree.flatten({"w": np.zeros(3)})
    with pytest.raises(ValueError, match="expected a vector of 3 numbers"):
        unflatten(np.zeros(4))
    with pytest.raises(ValueError, match="expected a vector of 3 numbers"):
        unflatten(np.zeros((3, 1)))
    with pytest.raises(TypeError, match=r"tree\['b'\]\[1\] is a str"):
        tree.flatten({"b": [1.0, "relu"]})
    with pytest.raises(ValueError, match="one structure"):
        tree.map(lambda a, b: a + b, [1.0, 2.0], [1.0])


def test_leaves_and_map():
    t = {"b": [1.0, np.array([2.0, 3.0])], "a": 4.0}
    assert [np.asarray(x).tolist() for x in tree.leaves(t)] == [4.0, 1.0, [2.0, 3.0]]
    stepped = tree.map(lambda p, g: p - 0.5 * g, t, {"a": 2.0, "b": [2.0, np.ones(2)]})
    _same(stepped, {"b": [0.0, np.array([1.5, 2.5])], "a": 3.0})


def test_is_public():
    assert srcgrad.tree is tree
    assert set(tree.__all__) == {"flatten", "unflatten", "leaves", "map"}
