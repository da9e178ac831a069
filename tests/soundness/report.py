"""Print the soundness sweep's counts (the table quoted in issue 9's closing note).

    python tests/soundness/report.py            # every callable (a few minutes)
    python tests/soundness/report.py --subset   # the default-run subset
    python tests/soundness/report.py --list     # also each wrong / crash, one a line
    python tests/soundness/report.py --json out.json   # every outcome, for tooling
    python -m tests.soundness.report            # the same, from the repository root

Two tables: per (callable, pattern, engine) probe, and per callable (a callable counts
as tried when some pattern was not skipped, and takes its worst outcome over the
patterns: wrong, then crash, then loud, then right).
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
ROOT = os.path.dirname(os.path.dirname(HERE))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import soundness_sweep as sweep  # noqa: E402

def run(names=None, progress=False):
    probes = sweep.callables()
    if names is not None:
        wanted = set(names)
        probes = [p for p in probes if p.qualname in wanted]
    results = {}
    t0 = time.time()
    for k, probe in enumerate(probes):
        results[probe.qualname] = sweep.run_callable(probe)
        if progress and k % 50 == 49:
            sys.stderr.write("  %d/%d callables, %.0f s\n" % (k + 1, len(probes),
                                                              time.time() - t0))
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subset", action="store_true", help="the default-run subset only")
    ap.add_argument("--list", action="store_true", help="list every wrong and crash")
    ap.add_argument("--json", help="write every outcome to this file")
    args = ap.parse_args(argv)
    t0 = time.time()
    results = run(sweep.DEFAULT_SUBSET if args.subset else None, progress=True)
    print("soundness sweep: %d callables, %d patterns, engines %s (%.0f s)" % (
        len(results), len(sweep.PATTERNS), ", ".join(sweep.ENGINES), time.time() - t0))
    print("\nper (callable, pattern, engine):")
    print(sweep.format_table(sweep.counts(results)))
    print("\nper callable (worst outcome over the patterns):")
    print(sweep.format_table(sweep.per_callable(results),
                             ("tried", "right", "loud", "crash", "wrong", "skip")))
    if args.list:
        print()
        for name, res in results.items():
            for (pattern, engine), (kind, detail) in sorted(res.items()):
                if kind in ("wrong", "crash"):
                    print("%-6s %-32s %-6s %-8s %s" % (kind, name, pattern, engine, detail))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({name: {"%s|%s" % k: v for k, v in res.items()}
                       for name, res in results.items()}, fh, indent=0, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
