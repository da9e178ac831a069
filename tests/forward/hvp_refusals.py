"""The compiler's refusals on the hvp corpus, grouped by reason (issue 11).

    PYTHONPATH=. python tests/forward/hvp_refusals.py [--cases]

Runs ``srcgrad.hvp(..., mode="compile")`` on every (case, input) that
tests/forward/test_hvp_corpus.py runs (a real scalar function of float
arguments) and prints how many the compiler refuses, by reason (the first
words of the error after its location), most common first.  Not a test: a
measurement, printed as a Markdown table.
"""

import collections
import copy
import os
import re
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "compiler"))
sys.path.insert(0, HERE)

import srcgrad  # noqa: E402
from corpus import all_cases  # noqa: E402
from helpers import random_tangent, moves  # noqa: E402


def _reason(err):
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    text = re.sub(r"^<srcgrad>/\S+?:\d+: |^\S+\.py:\d+: ", "", text)
    text = re.sub(r"\b[a-z_]+_[0-9a-f]{10}\b", "<generated>", text)
    text = re.sub(r"\(.*?\)", "(...)", text)
    return "%s: %s" % (type(err).__name__, text[:110])


def main(argv):
    groups = collections.defaultdict(list)
    ran = 0
    for case in all_cases():
        for k, inputs in enumerate(case.inputs):
            if case.reason(k):
                continue
            args = copy.deepcopy(inputs)
            rng = np.random.default_rng(3 + k)
            vs = [random_tangent(args[i], rng) for i in case.wrt]
            if not all(moves(v) for v in vs):
                continue
            try:
                value = case.fn(*copy.deepcopy(args))
            except Exception:       # noqa: BLE001
                continue
            if not (np.ndim(value) == 0 and not np.iscomplexobj(value) and
                    isinstance(value, (float, np.floating, np.ndarray, int))):
                continue
            ran += 1
            try:
                srcgrad.hvp(case.fn, wrt=case.wrt, mode="compile")(*args, tuple(vs))
            except (SyntaxError, NotImplementedError) as err:
                groups[_reason(err)].append("%s[%d]" % (case.name, k))
            except Exception as err:    # noqa: BLE001 -- a crash: list it too
                groups["CRASH " + _reason(err)].append("%s[%d]" % (case.name, k))
    total = sum(len(v) for v in groups.values())
    print("%d inputs, %d refused in mode=\"compile\"\n" % (ran, total))
    print("| count | reason |\n| ---: | --- |")
    for reason, names in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print("| %d | %s |" % (len(names), reason.replace("|", "\\|")))
        if "--cases" in argv:
            print("|  | %s |" % ", ".join(names))


if __name__ == "__main__":
    main(sys.argv[1:])
