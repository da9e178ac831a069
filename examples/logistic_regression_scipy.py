"""Logistic regression fitted by SciPy, with srcgrad's gradient.

``srcgrad.value_and_grad(loss)`` is handed to ``scipy.optimize.minimize``
*as it is*, with ``jac=True``: called with SciPy's float64 vector it returns
a float and a float64 gradient of the vector's shape, which is what SciPy
asks for.  Then the same model with its parameters in a dict -- a weight
vector and a bias -- is optimised through ``srcgrad.tree.flatten``, which
lays a parameter tree out as one vector and rebuilds it (docs/scipy.md).
Both fits are checked against each other, the gradient against central
finite differences, and the classifier's accuracy on held-out data.

    python examples/logistic_regression_scipy.py

Expected output (the last digits may vary with the platform's BLAS)::

    at x0: loss 0.693147 (a float: True), gradient float64 of shape (6,); finite differences agree to 1e-10
    L-BFGS-B: CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL after 9 iterations, loss 0.310923
    bias -0.471, weights [ 1.797 -2.812  0.938  0.096  0.758]
    test accuracy 0.848
    BFGS on the tree: bias -0.471 (a float), the two fits differ by 6.9e-05
"""

import numpy as np

import srcgrad


def loss(w, X, y):
    """Mean logistic loss (log(1 + e^z) - y z, stably) with an L2 penalty;
    w[0] is the bias."""
    z = X @ w[1:] + w[0]
    return np.mean(np.logaddexp(0.0, z) - y * z) + 1e-3 * np.sum(w ** 2)


def tree_loss(params, X, y):
    """The same loss, the parameters in a dict."""
    w = np.concatenate([[params["bias"]], params["weights"]])
    return loss(w, X, y)


def data(n, rng, true_w=np.array([2.0, -3.0, 1.0, 0.0, 0.5])):
    X = rng.normal(size=(n, len(true_w)))
    y = (X @ true_w - 0.5 + rng.logistic(size=n) > 0).astype(np.float64)
    return X, y


def accuracy(w, X, y):
    return np.mean(((X @ w[1:] + w[0]) > 0) == (y > 0.5))


def main():
    try:
        from scipy.optimize import minimize
    except ImportError:
        print("this example needs SciPy: pip install 'srcgrad[scipy]'")
        return
    rng = np.random.default_rng(0)
    X, y = data(500, rng)
    X_test, y_test = data(500, rng)

    # 1. value_and_grad straight into minimize
    fun = srcgrad.value_and_grad(loss)
    x0 = np.zeros(X.shape[1] + 1)
    value, grad = fun(x0, X, y)
    numeric = np.array([(loss(x0 + 1e-6 * e, X, y) - loss(x0 - 1e-6 * e, X, y)) / 2e-6
                        for e in np.eye(len(x0))])
    print("at x0: loss %.6f (a float: %s), gradient %s of shape %s; finite differences "
          "agree to %.0e" % (value, isinstance(value, float), grad.dtype, grad.shape,
             np.max(np.abs(grad - numeric))))
    res = minimize(fun, x0, args=(X, y), jac=True, method="L-BFGS-B")
    print("L-BFGS-B: %s after %d iterations, loss %.6f" % (res.message, res.nit, res.fun))
    print("bias %.3f, weights %s" % (res.x[0], np.round(res.x[1:], 3)))
    print("test accuracy %.3f" % accuracy(res.x, X_test, y_test))

    # 2. a parameter tree through srcgrad.tree
    params = {"weights": np.zeros(X.shape[1]), "bias": 0.0}
    v0, unflatten = srcgrad.tree.flatten(params)
    tree_vg = srcgrad.value_and_grad(tree_loss)

    def flat_fun(v, X, y):
        value, grads = tree_vg(unflatten(v), X, y)
        return value, srcgrad.tree.flatten(grads)[0]
    res2 = minimize(flat_fun, v0, args=(X, y), jac=True, method="BFGS")
    fitted = unflatten(res2.x)
    same = np.concatenate([[fitted["bias"]], fitted["weights"]])
    print("BFGS on the tree: bias %.3f (a %s), the two fits differ by %.1e"
          % (fitted["bias"], type(fitted["bias"]).__name__, np.max(np.abs(same - res.x))))


if __name__ == "__main__":
    main()
