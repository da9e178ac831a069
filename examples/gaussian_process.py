"""Gaussian-process regression: fit the kernel's hyperparameters by gradient.

The negative log marginal likelihood of a GP with an RBF kernel,

    -log p(y | X, theta) = 1/2 y^T K^-1 y + 1/2 log det K + n/2 log(2 pi),
    K = s_f^2 exp(-|x - x'|^2 / (2 l^2)) + s_n^2 I,

is written with a Cholesky factor (``np.linalg.cholesky``, two triangular
``np.linalg.solve``\\ s, the log-determinant from the factor's diagonal).
``srcgrad.value_and_grad`` compiles it, gradient with respect to the three
log-hyperparameters at once, and plain gradient descent with a
backtracking step fits them to noisy samples of sin(3x).  The gradient is
checked against central finite differences, and the fitted GP's predictive
mean against the true function.

    python examples/gaussian_process.py            # prints the numbers below
    python examples/gaussian_process.py --plot     # also writes gaussian_process.png

Expected output (the last digits may vary with the platform's BLAS)::

    gradient at the start [32.8734 -6.866  15.4096], finite differences [32.8734 -6.866  15.4096], relative error 2e-10
    step   0   -log p(y)   32.1559   l 1.000  s_f 1.000  s_n 0.500
    step  20   -log p(y)   -8.7120   l 0.638  s_f 1.110  s_n 0.112
    step  40   -log p(y)   -8.7237   l 0.652  s_f 1.179  s_n 0.112
    step  60   -log p(y)   -8.7240   l 0.654  s_f 1.191  s_n 0.112
    fitted l 0.654  s_f 1.191  s_n 0.112 (true noise 0.1); -log p(y) 32.1559 -> -8.7240
    largest error of the predictive mean against sin(3x) on [-1.8, 1.8]: 0.176
"""

import argparse

import numpy as np

import srcgrad


def kernel(theta, A, B):
    """RBF kernel matrix between the rows of A and B; theta = (log l, log s_f, log s_n)."""
    ell, sf = np.exp(theta[0]), np.exp(theta[1])
    sq = np.sum(A ** 2, axis=1)[:, None] + np.sum(B ** 2, axis=1)[None, :] - 2.0 * (A @ B.T)
    return sf ** 2 * np.exp(-0.5 * sq / ell ** 2)


def neg_log_marginal_likelihood(theta, X, y):
    n = X.shape[0]
    K = kernel(theta, X, X) + (np.exp(2.0 * theta[2]) + 1e-8) * np.eye(n)
    L = np.linalg.cholesky(K)
    z = np.linalg.solve(L, y)            # L z = y, so y^T K^-1 y = |z|^2
    return 0.5 * np.sum(z ** 2) + np.sum(np.log(np.diag(L))) + 0.5 * n * np.log(2.0 * np.pi)


nlml_and_grad = srcgrad.value_and_grad(neg_log_marginal_likelihood, mode="compile")


def predict(theta, X, y, Xs):
    """The GP's predictive mean at Xs (plain NumPy)."""
    K = kernel(theta, X, X) + (np.exp(2.0 * theta[2]) + 1e-8) * np.eye(len(X))
    return kernel(theta, Xs, X) @ np.linalg.solve(K, y)


def data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = np.sort(rng.uniform(-2.0, 2.0, n)).reshape(-1, 1)
    y = np.sin(3.0 * X[:, 0]) + 0.1 * rng.normal(size=n)
    return X, y


def fit(theta, X, y, steps=60, lr=0.05):
    """Gradient descent, halving the step whenever it would not decrease the loss."""
    history = []
    value, g = nlml_and_grad(theta, X, y)
    for step in range(steps + 1):
        history.append(value)
        if step % 20 == 0:
            print("step %3d   -log p(y) %9.4f   l %.3f  s_f %.3f  s_n %.3f"
                  % ((step, value) + tuple(np.exp(theta))))
        if step == steps:
            break
        while True:
            trial = theta - lr * g
            new_value, new_g = nlml_and_grad(trial, X, y)
            if new_value < value or lr < 1e-8:
                break
            lr *= 0.5
        theta, value, g = trial, new_value, new_g
        lr *= 1.2
    return theta, history


def check_gradient(theta, X, y, eps=1e-6):
    _, g = nlml_and_grad(theta, X, y)
    numeric = np.array([(neg_log_marginal_likelihood(theta + eps * e, X, y) -
                         neg_log_marginal_likelihood(theta - eps * e, X, y)) / (2 * eps)
                        for e in np.eye(len(theta))])
    error = np.max(np.abs(g - numeric)) / np.max(np.abs(numeric))
    print("gradient at the start %s, finite differences %s, relative error %.0e"
          % (np.round(g, 4), np.round(numeric, 4), error))
    return error


def plot(theta, X, y, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    xs = np.linspace(-2.2, 2.2, 200).reshape(-1, 1)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(X[:, 0], y, "k.", label="data")
    ax.plot(xs[:, 0], np.sin(3.0 * xs[:, 0]), "k:", label="sin(3x)")
    ax.plot(xs[:, 0], predict(theta, X, y, xs), label="GP mean (fitted)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plot", nargs="?", const="gaussian_process.png", default=None,
                        metavar="PNG", help="write a picture of the fitted GP")
    args = parser.parse_args(argv)
    X, y = data()
    theta0 = np.log(np.array([1.0, 1.0, 0.5]))    # l, s_f, s_n
    check_gradient(theta0, X, y)
    theta, history = fit(theta0, X, y)
    xs = np.linspace(-1.8, 1.8, 50).reshape(-1, 1)
    error = np.max(np.abs(predict(theta, X, y, xs) - np.sin(3.0 * xs[:, 0])))
    print("fitted l %.3f  s_f %.3f  s_n %.3f (true noise 0.1); -log p(y) %.4f -> %.4f"
          % (tuple(np.exp(theta)) + (history[0], history[-1])))
    print("largest error of the predictive mean against sin(3x) on [-1.8, 1.8]: %.3f" % error)
    if args.plot and plot(theta, X, y, args.plot):
        print("wrote", args.plot)


if __name__ == "__main__":
    main()
