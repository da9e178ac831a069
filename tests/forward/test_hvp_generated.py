"""The generated code the compiled Hessian-vector product runs
(srcgrad/hvp_engine.py: the fused gradient of the slope function), as a
golden source: real arguments, so no conjugates (compiler/lower/real.py);
``1 - tanh ** 2`` computed once for the JVP part and the reverse part
(compiler/lower/cse.py); the mean's cotangent a scalar where every use
broadcasts it (compiler/lower/broadcasts.py).  Its values are checked
against the hand-derived product in test_hvp_engine.py; here against that
product too, so a golden change that breaks them shows here.

When a change to this code is intended, run
``python tests/forward/test_hvp_generated.py --update`` and review the diff."""

import os
import sys

import numpy as np

import srcgrad
from srcgrad.testing import assert_allclose

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compiler", "golden",
                      "hvp_mlp.py.txt")


def mlp_loss(W1, b1, W2, b2, x, y):
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - y) ** 2)


def _case():
    rng = np.random.default_rng(5)
    params = (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 1)),
              rng.normal(size=1))
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    v = tuple(rng.normal(size=np.shape(p)) for p in params)
    return params, x, y, v


def _by_hand(W1, b1, W2, b2, x, y, v):
    dW1, db1, dW2, db2 = v
    h = np.tanh(x @ W1 + b1)
    s = 1.0 - h * h
    r = h @ W2 + b2 - y
    gr = r * (2.0 / r.size)
    gh = gr @ W2.T
    dh = s * (x @ dW1 + db1)
    dgr = (dh @ W2 + h @ dW2 + db2) * (2.0 / r.size)
    dga = (dgr @ W2.T + gr @ dW2.T) * s - 2.0 * gh * h * dh
    return x.T @ dga, dga.sum(axis=0), dh.T @ gr + h.T @ dgr, dgr.sum(axis=0)


def generated():
    params, x, y, v = _case()
    h = srcgrad.hvp(mlp_loss, wrt=(0, 1, 2, 3), mode="compile")
    out = h(*params, x, y, v)
    engine = h.__closure__ and [c.cell_contents for c in h.__closure__
                                if type(c.cell_contents).__name__ == "HvpEngine"][0]
    entry, = engine._by_kind.values()
    return srcgrad.source(entry.second), out, _by_hand(*params, x, y, v)


def test_golden_source_of_the_mlp_hvp():
    text, out, hand = generated()
    for a, b in zip(out, hand):
        assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    with open(GOLDEN) as fh:
        want = fh.read()
    assert text == want, ("the hvp's generated code changed; if intended run `python %s "
                          "--update` and review the diff" % os.path.relpath(__file__))
    assert "conj" not in text
    code = [line for line in text.splitlines() if not line.strip().startswith("#")]
    assert sum("np.square(h)" in line for line in code) == 1
    assert not any("expand_reduced" in line for line in code)


if __name__ == "__main__" and "--update" in sys.argv:
    with open(GOLDEN, "w") as fh:
        fh.write(generated()[0])
    print("wrote", GOLDEN)
