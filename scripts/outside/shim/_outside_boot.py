"""Run one autograd example under the shim: ``python _outside_boot.py EXAMPLE``.

Invoked by the runner in a subprocess (cwd: a scratch directory), with the
shim first on ``sys.path``, then the example's own directory.  Plots are
no-ops; the example stops at its first checked gradient (``StopExample``).
Writes an ``example-end`` record saying how the example ended."""

import os
import runpy
import sys
import traceback

here = os.path.dirname(os.path.abspath(__file__))
example = os.path.abspath(sys.argv[1])
sys.path[:] = [here] + [p for p in sys.path if p and os.path.abspath(p) != here]
sys.path.insert(1, os.path.dirname(example))

import _outside as st  # noqa: E402

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.show = plt.pause = plt.draw = lambda *a, **k: None
except ImportError:
    pass

sys.argv = [example]
how, extra = "finished", {}
try:
    runpy.run_path(example, run_name="__main__")
except st.StopExample:
    how = "stopped"
except SystemExit as err:
    how = "exited"
    extra["message"] = "SystemExit(%r)" % (err.code,)
except BaseException as err:  # the example failed outside a checked gradient call
    how = "exception"
    extra = st.describe_error(err)
    extra["traceback"] = "".join(traceback.format_exception(type(err), err,
                                                            err.__traceback__)[-6:])[-3000:]
st.record(dict(kind="example-end", how=how, checks=len(st.state["example_checks"]), **extra))
sys.stdout.flush()
os._exit(0)  # no plotting threads or atexit handlers keep us alive
