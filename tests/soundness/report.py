"""Print the soundness sweep's counts (the table quoted in issue 9's closing note).

    python tests/soundness/report.py            # every callable (a few minutes)
    python tests/soundness/report.py --subset   # the default-run subset
    python tests/soundness/report.py --list     # also each wrong / crash, one a line
    python tests/soundness/report.py --json out.json   # every outcome, for tooling
    python tests/soundness/report.py --known    # the KNOWN table of test_numpy_sweep.py
    python -m tests.soundness.report            # the same, from the repository root

Two tables: per (callable, pattern, engine) probe, and per callable (a callable counts
as tried when some pattern was not skipped, and takes its worst outcome over the
patterns: wrong, then crash, then loud, then right).
"""

import argparse
import collections
import json
import os
import sys
import textwrap
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


def _note(name, items):
    """A hint for the commonest case: a unary ufunc's second positional argument is
    ``out=``, so ``np.sin(C, a)`` writes into ``a``."""
    obj = getattr(sweep.np, name.split(".", 1)[1], None) if name.count(".") == 1 and \
        name.startswith("numpy.") else None
    if isinstance(obj, sweep.np.ufunc) and obj.nin == 1 and \
            any(p in ("c,v", "c,m") for p, _, _ in items):
        return " [np.%s(C, a): a unary ufunc's 2nd positional argument is out=]" % \
            obj.__name__
    return ""


def known_table(results):
    """The source of ``KNOWN`` (test_numpy_sweep.py) for ``results``: one entry per
    (callable, engine) with a wrong number or a crash -- the kinds, the patterns and
    the first pattern's detail."""
    lines = ["KNOWN = {"]
    for name in sorted(results):
        by_engine = collections.defaultdict(list)
        for (pattern, engine), (kind, detail) in sorted(results[name].items()):
            if kind in ("wrong", "crash"):
                by_engine[engine].append((pattern, kind, detail))
        for engine in sweep.ENGINES:
            items = by_engine.get(engine)
            if not items:
                continue
            text = "%s (%s): %s%s" % ("/".join(sorted({k for _, k, _ in items})),
                                      ", ".join(p for p, _, _ in items),
                                      items[0][2].replace('"', "'"), _note(name, items))
            text = text.replace("\\", "\\\\")
            body = "\n".join('        "%s"' % part for part in
                             textwrap.wrap(text, 86, drop_whitespace=False))
            lines.append('    ("%s", "%s"):\n%s,' % (name, engine, body))
    lines.append("}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subset", action="store_true", help="the default-run subset only")
    ap.add_argument("--list", action="store_true", help="list every wrong and crash")
    ap.add_argument("--json", help="write every outcome to this file")
    ap.add_argument("--known", action="store_true",
                    help="print the KNOWN table of test_numpy_sweep.py for this run")
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
    if args.known:
        print()
        print(known_table(results))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({name: {"%s|%s" % k: v for k, v in res.items()}
                       for name, res in results.items()}, fh, indent=0, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
