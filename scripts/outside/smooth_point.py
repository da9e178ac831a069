"""The examples the harness reports "unverified", checked at a generic point.

    python scripts/outside/smooth_point.py            # fluidsim, mode compile

fluidsim's objective is piecewise smooth: ``advect`` interpolates with
``np.floor``, whose jumps lie where a velocity is a whole number of cells.
The example starts at velocity 0, on every jump at once, so the harness's
finite differences cannot judge it there, nor 1e-3 away.  Here the example's
own ``project``, ``advect`` and ``simulate`` (loaded from autograd's sdist,
through the shim) run on a 12 x 12 grid from random velocities of scale 0.3
(a generic point, away from the jumps) for 5 steps, and srcgrad's gradient of
the example's objective is checked against central differences on every
coordinate.  Prints the largest difference, relative to the gradient's size.
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "mplstub"))   # matplotlib: the harness's stub
sys.path.insert(0, os.path.join(HERE, "shim"))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)

import fetch  # noqa: E402


def fluidsim(mode, size=12, steps=5, seed=0):
    import types

    import srcgrad
    from srcgrad.testing import numeric_grad
    path = os.path.join(fetch.source_dir(), "examples", "fluidsim", "fluidsim.py")
    with open(path) as fh:
        text = fh.read().split('if __name__ == "__main__":')[0]
    module = types.ModuleType("fluidsim_example")
    module.__file__ = path
    sys.modules[module.__name__] = module
    exec(compile(text, path, "exec"), module.__dict__)
    module.print = lambda *a, **k: None      # simulate() prints a line per run

    rng = np.random.RandomState(seed)
    smoke, target = rng.rand(size, size), rng.rand(size, size)

    def objective(params):
        vx = np.reshape(params[:size * size], (size, size))
        vy = np.reshape(params[size * size:], (size, size))
        final = module.simulate(vx, vy, smoke, steps)
        return np.mean((target - final) ** 2)
    x = 0.3 * rng.standard_normal(2 * size * size)
    got = srcgrad.grad(objective, mode=mode)(x)
    want = numeric_grad(objective, (x,), 0, eps=1e-7)
    return float(np.max(np.abs(got - want)) / np.max(np.abs(want)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mode", choices=("compile", "auto", "tape"), default="compile")
    args = p.parse_args(argv)
    err = fluidsim(args.mode)
    print("fluidsim (mode=%s): largest |srcgrad - central differences| / largest |gradient| "
          "= %.2g over all 288 coordinates" % (args.mode, err))
    return 0 if err < 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main())
