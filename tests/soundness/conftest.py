"""The soundness sweep (soundness_sweep.py): puts this directory on ``sys.path`` and prints, at
the end of a run, the counts of what the sweep tried in each engine."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

def pytest_terminal_summary(terminalreporter):
    sweep = sys.modules.get("soundness_sweep")
    if sweep is None or not sweep.RESULTS:
        return
    RESULTS = sweep.RESULTS
    tr = terminalreporter
    tr.section("soundness sweep")
    tr.write_line("%d callables; per (callable, pattern, engine):" % len(RESULTS))
    for line in sweep.format_table(sweep.counts(RESULTS)).splitlines():
        tr.write_line(line)
    tr.write_line("per callable (worst outcome over the patterns):")
    for line in sweep.format_table(sweep.per_callable(RESULTS),
                                           ("tried", "right", "loud", "crash", "wrong",
                                            "skip")).splitlines():
        tr.write_line(line)
