"""A PyTorch-style training loop on srcgrad's tape.

``import srcgrad.torch as torch`` gives the tape: ``Tensor`` with
``.backward()``, ``nn.Module``/``nn.Linear``/``nn.Sequential``, losses and
``optim.Adam``, with PyTorch's semantics.  The loop below is written exactly
as for PyTorch -- a ``Module`` subclass, shuffled mini-batches,
``zero_grad()`` / ``loss.backward()`` / ``step()`` -- and classifies two
interleaved half-moons.  One parameter's ``.grad`` is checked against
central finite differences of the loss computed in float64 with plain NumPy.
With ``--compare`` (when PyTorch is installed) the *same* ``train`` function
runs again on real PyTorch from the same initial weights, and the two loss
curves are compared.

    python examples/torch_training_loop.py              # prints the numbers below
    python examples/torch_training_loop.py --compare    # and the same run on PyTorch
    python examples/torch_training_loop.py --epochs 5   # a shorter run
    python examples/torch_training_loop.py --plot       # writes torch_training_loop.png

Expected output::

    first layer's .grad against finite differences (float64): relative error 1e-07
    epoch  1   loss 0.4475
    epoch  5   loss 0.2431
    epoch 10   loss 0.1423
    epoch 20   loss 0.0433
    test accuracy 0.979
"""

import argparse

import numpy as np

import srcgrad.torch as torch


def moons(n, rng, noise=0.15):
    """Two interleaved half-circles, labelled 0 and 1 (float32 features, int64 labels)."""
    t = rng.uniform(0.0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.where(label == 0, np.cos(t), 1.0 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], axis=1) + noise * rng.normal(size=(n, 2))
    return points.astype(np.float32), label.astype(np.int64)


def make_model(torch):
    class Classifier(torch.nn.Module):
        def __init__(self, hidden=32):
            super().__init__()
            self.layers = torch.nn.Sequential(
                torch.nn.Linear(2, hidden), torch.nn.Tanh(),
                torch.nn.Linear(hidden, hidden), torch.nn.Tanh(),
                torch.nn.Linear(hidden, 2))

        def forward(self, x):
            return self.layers(x)
    return Classifier()


def train(torch, model, X, y, epochs=20, batch=32, lr=0.005, seed=0):
    """Adam on shuffled mini-batches; the mean loss of each epoch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = np.random.default_rng(seed)        # the same batches for either library
    history = []
    for epoch in range(epochs):
        total = 0.0
        perm = order.permutation(len(X))
        for start in range(0, len(X), batch):
            idx = perm[start:start + batch]
            inputs, targets = torch.tensor(X[idx]), torch.tensor(y[idx])
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), targets)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        history.append(total / len(X))
    return history


def accuracy(torch, model, X, y):
    with torch.no_grad():
        predicted = model(torch.tensor(X)).numpy().argmax(axis=1)
    return float(np.mean(predicted == y))


def numpy_loss(weights, X, y):
    """The classifier's cross-entropy in float64 NumPy (the finite-difference oracle)."""
    h = np.asarray(X, dtype=np.float64)
    for i in range(0, len(weights), 2):
        h = h @ weights[i].T + weights[i + 1]
        if i + 2 < len(weights):
            h = np.tanh(h)
    h = h - h.max(axis=1, keepdims=True)
    logp = h - np.log(np.sum(np.exp(h), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(y)), y])


def check_gradient(model, X, y, eps=1e-6):
    """The tape's .grad of the first layer's weights against central differences."""
    model.zero_grad()
    torch.nn.CrossEntropyLoss()(model(torch.tensor(X)), torch.tensor(y)).backward()
    params = list(model.parameters())
    weights = [p.detach().numpy().astype(np.float64) for p in params]
    numeric = np.zeros_like(weights[0])
    for idx in np.ndindex(*numeric.shape):
        plus = [w.copy() for w in weights]
        minus = [w.copy() for w in weights]
        plus[0][idx] += eps
        minus[0][idx] -= eps
        numeric[idx] = (numpy_loss(plus, X, y) - numpy_loss(minus, X, y)) / (2 * eps)
    tape = params[0].grad.numpy()
    error = np.max(np.abs(tape - numeric)) / np.max(np.abs(numeric))
    print("first layer's .grad against finite differences (float64): relative error %.0e"
          % error)
    model.zero_grad()
    return error


def compare_with_pytorch(model, initial, X, y, history, epochs):
    try:
        import torch as real_torch
    except ImportError:
        print("PyTorch is not installed: nothing to compare with")
        return
    twin = make_model(real_torch)
    twin.load_state_dict({k: real_torch.tensor(v) for k, v in initial.items()})
    theirs = train(real_torch, twin, X, y, epochs=epochs)
    print("PyTorch from the same weights: final loss %.4f, largest difference of the "
          "epoch losses %.1e" % (theirs[-1], max(abs(a - b) for a, b in zip(history, theirs))))


def plot(history, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(np.arange(1, len(history) + 1), history)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cross-entropy")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compare", action="store_true",
                        help="run the same loop on PyTorch (if installed) and compare")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--plot", nargs="?", const="torch_training_loop.png", default=None,
                        metavar="PNG", help="write the loss curve")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    X, y = moons(512, rng)
    X_test, y_test = moons(512, rng)
    torch.manual_seed(0)
    model = make_model(torch)
    initial = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    check_gradient(model, X[:64], y[:64])
    history = train(torch, model, X, y, epochs=args.epochs)
    for epoch in sorted({0, 4, 9, args.epochs - 1} & set(range(args.epochs))):
        print("epoch %2d   loss %.4f" % (epoch + 1, history[epoch]))
    print("test accuracy %.3f" % accuracy(torch, model, X_test, y_test))
    if args.compare:
        compare_with_pytorch(model, initial, X, y, history, args.epochs)
    if args.plot and plot(history, args.plot):
        print("wrote", args.plot)


if __name__ == "__main__":
    main()
