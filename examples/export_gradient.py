"""Export a gradient as a standalone module and use it where srcgrad is absent.

``srcgrad.export(srcgrad.value_and_grad(f), "path.py")`` writes the
generated gradient code of ``f`` -- its forward and adjoint sweeps, the rules
it calls and the bits of srcgrad's runtime they need -- into one Python file
that imports only NumPy.  Here ``f`` is a small physics-flavoured loss (a
mass-spring chain's energy) with a loop and a helper function; the module
is written to a temporary directory and imported by a *separate Python
process in which ``import srcgrad`` fails* (srcgrad is blocked there, as on
a machine without it).  That process prints the gradient, and we compare
it with srcgrad's own and with central finite differences.

    python examples/export_gradient.py            # writes nothing outside a temp dir
    python examples/export_gradient.py --keep DIR # keeps the module in DIR to read it

Expected output::

    exported 140 lines; its imports: import math; import numpy as _np; import numpy as np; import types as _types
    in the other process: srcgrad importable: False; energy 22.377564
    its gradient equals srcgrad's: True; largest difference from finite differences 2.0e-09
    d energy / d positions[0] = [ 3.4643 10.3774]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import srcgrad

REST = 1.0     # rest length of each spring


def spring(a, b, k):
    """Energy of one spring between the points a and b."""
    stretch = np.sqrt(np.sum((a - b) ** 2)) - REST
    return 0.5 * k * stretch ** 2


def energy(positions, stiffness):
    """Total energy of a chain of springs through the points (rows of
    ``positions``), plus gravity on each point."""
    total = 0.0
    for i in range(positions.shape[0] - 1):
        total = total + spring(positions[i], positions[i + 1], stiffness[i])
    return total + 9.81 * np.sum(positions[:, 1])


# run in the other process: srcgrad is made unimportable before anything else
CHILD = r"""
import importlib.util, json, sys
sys.modules["srcgrad"] = None          # 'import srcgrad' now raises ImportError
import numpy as np
spec = importlib.util.spec_from_file_location("energy_grad", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
positions = np.array(json.loads(sys.argv[2]))
stiffness = np.array(json.loads(sys.argv[3]))
value, grad = module.energy_grad(positions, stiffness)
try:
    import srcgrad
    importable = True
except ImportError:
    importable = False
print(json.dumps({"value": float(value), "grad": np.asarray(grad).tolist(),
                  "srcgrad_importable": importable}))
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", metavar="DIR", default=None,
                        help="write the module to DIR (kept) instead of a temporary directory")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    positions = np.cumsum(rng.normal(0.0, 1.0, (6, 2)), axis=0)
    stiffness = np.linspace(10.0, 20.0, 5)
    value_and_grad = srcgrad.value_and_grad(energy)
    value, grad = value_and_grad(positions, stiffness)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or tmp
        os.makedirs(folder, exist_ok=True)
        path = srcgrad.export(value_and_grad, os.path.join(folder, "energy_grad.py"))
        with open(path) as fh:
            text = fh.read()
        imports = sorted({line.strip() for line in text.splitlines()
                          if line.startswith(("import ", "from "))})
        print("exported %d lines; its imports: %s" % (len(text.splitlines()), "; ".join(imports)))
        out = subprocess.run(
            [sys.executable, "-c", CHILD, path, json.dumps(positions.tolist()),
             json.dumps(stiffness.tolist())], capture_output=True, text=True, check=True,
            cwd=folder)
    got = json.loads(out.stdout)
    child_grad = np.array(got["grad"])
    eps = 1e-6
    numeric = np.zeros_like(positions)
    for idx in np.ndindex(*positions.shape):
        step = np.zeros_like(positions)
        step[idx] = eps
        numeric[idx] = (energy(positions + step, stiffness) -
                        energy(positions - step, stiffness)) / (2 * eps)
    print("in the other process: srcgrad importable: %s; energy %.6f" %
          (got["srcgrad_importable"], got["value"]))
    print("its gradient equals srcgrad's: %s; largest difference from finite differences %.1e"
          % (np.array_equal(child_grad, grad), np.max(np.abs(child_grad - numeric))))
    print("d energy / d positions[0] = %s" % np.round(child_grad[0], 4))


if __name__ == "__main__":
    main()
