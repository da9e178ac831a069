"""Differential tests: the compiler against the tape against finite differences.

Puts ``tests/compiler`` on ``sys.path`` (for the corpus) and reports, at the end of
the run, how many corpus cases ran on both engines and how many the tape refused."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "compiler"))
sys.path.insert(0, HERE)

STATS = {"both": 0, "skipped": {}, "random": {}}   # random: {tier: {what: count}}


def pytest_terminal_summary(terminalreporter):
    skipped, rnd = STATS["skipped"], STATS["random"]
    if not (STATS["both"] or skipped or rnd):
        return
    tr = terminalreporter
    tr.section("differential")
    if STATS["both"] or skipped:
        tr.write_line("corpus inputs run on both engines: %d; skipped (tape refuses): %d"
                      % (STATS["both"], sum(skipped.values())))
        for reason, n in sorted(skipped.items(), key=lambda kv: -kv[1]):
            tr.write_line("  %3d  %s" % (n, reason))
    for tier, counts in sorted(rnd.items()):
        n = counts.get("programs", 0)
        refused = ", ".join("%s %.0f%%" % (k, 100.0 * counts.get(k, 0) / n)
                            for k in ("compile-refused", "tape-refused") if n)
        tr.write_line("random programs [%s]: %s (%s)" % (tier, ", ".join(
            "%s=%d" % kv for kv in sorted(counts.items())), refused))
