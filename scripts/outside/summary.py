"""Classify the outside harness's records and write the markdown summary."""

import collections
import os
import re

RIGHT = {"compile": "compiled-right", "auto": "compiled-right", "tape": "tape-right"}
MEASURED = ("pass", "wrong", "refused", "error")


def _detail_of(r):
    msg = r.get("message", "")
    where = r.get("where")
    return ("%s: %s" % (where, msg)) if where else msg


def classify_example(name, recs, mode, timed_out=False, output=""):
    """One example's status from its records (see docs/outside.md for the statuses)."""
    checks = [r for r in recs if r.get("kind") == "example-check"]
    end = next((r for r in recs if r.get("kind") == "example-end"), None)
    res = {"name": name, "checks": checks}
    wrong = [c for c in checks if c.get("result") == "WRONG"]
    if wrong:
        c = wrong[0]
        res.update(status="compiled-WRONG" if mode == "compile" else "WRONG",
                   detail="%s (%s): analytic %r vs numeric %r [%s]" % (
                       c.get("fun"), c.get("def", "?"), c.get("analytic"), c.get("numeric"),
                       c.get("engine", "")))
        return res
    if checks:
        c = checks[-1]
        r = c.get("result")
        what = "%s(%s) at %s" % (c.get("op"), c.get("fun"), c.get("def", "?"))
        if r == "right":
            engine = c.get("engine", "")
            if mode == "tape":
                res.update(status="tape-right", detail=what)
            elif engine in ("compiled", "rule") or (mode == "compile" and
                                                     engine.startswith("compiled")):
                res.update(status="compiled-right", detail=what + (
                    "" if engine in ("compiled", "rule") else " [%s]" % engine))
            else:
                res.update(status="auto-fallback", detail="%s: %s" % (what, engine))
        elif r == "unverified":
            res.update(status="unverified", detail="%s: the objective is not differentiable "
                       "at the caller's point nor at a jittered one (one-sided differences "
                       "disagree), so finite differences cannot judge srcgrad's gradient [%s]"
                       % (what, c.get("engine", "")))
        elif r == "refused":
            res.update(status="refused", detail=_detail_of(c) + " [in %s]" % what)
        elif r == "out-of-scope":
            res.update(status="issue-11-scope", detail=c.get("message", ""))
        elif r == "srcgrad-error":
            res.update(status="srcgrad-error", detail="%s %s: %s [in %s]" % (
                c.get("type"), c.get("where"), c.get("message"), what))
        else:
            res.update(status="harness-error", detail=_detail_of(c) + " [in %s]" % what)
        return res
    started = [r for r in recs if r.get("kind") == "example-check-start"]
    if timed_out and started:
        res.update(status="harness-error", detail="timed out while checking %s(%s) at %s" % (
            started[-1].get("op"), started[-1].get("fun"), started[-1].get("def", "?")))
    elif timed_out:
        res.update(status="harness-error", detail="timed out before any gradient call")
    elif end is None:
        tail = output.strip().splitlines()[-1:] or ["no output"]
        res.update(status="harness-error", detail="crashed: %s" % tail[0][:200])
    elif end.get("how") in ("finished", "exited"):
        res.update(status="no-gradient", detail="ran to the end without a gradient call")
    elif end.get("result") == "unmappable":
        if "tracer" in end.get("message", "") or "Node" in end.get("message", ""):
            res.update(status="no-gradient", detail="draws/prints autograd's own trace "
                       "graph (never takes a gradient): " + end.get("message", ""))
        else:
            res.update(status="harness-error", detail="unmappable API: " + end.get("message",
                                                                                 ""))
    elif end.get("result") == "out-of-scope":
        res.update(status="issue-11-scope", detail=end.get("message", ""))
    else:
        res.update(status="harness-error", detail="the example failed before a gradient "
                   "call: %s %s: %s" % (end.get("type"), end.get("where"), end.get("message")))
    return res


def _norm(msg):
    msg = re.sub(r"<outside-case-\d+>", "<case>", msg or "")
    msg = re.sub(r"^\S+\.py:\d+(?: \([^)]*\))?: ", "", msg)  # the place goes to "e.g."
    msg = re.sub(r" at 0x[0-9a-f]+", "", msg)
    msg = re.sub(r"\b\d+\b", "N", msg)
    return msg[:220]


def _file_of(test):
    return (test or "?").split("::")[0].rsplit("/", 1)[-1]


def suite_tables(recs):
    cases = [r for r in recs if r.get("kind") == "case"]
    tests = [r for r in recs if r.get("kind") == "test"]
    collect = [r for r in recs if r.get("kind") == "collect-error"]
    totals = collections.Counter(r["result"] for r in cases)
    fwd = sum(1 for r in cases if r.get("fwd"))
    higher = sum(1 for r in cases if (r.get("order") or 1) > 1)
    with_cases = {r.get("test") for r in cases}
    direct = [t for t in tests if t["test"] not in with_cases]
    direct_totals = collections.Counter(t.get("result", t["outcome"]) for t in direct)
    per_file = collections.defaultdict(collections.Counter)
    for r in cases:
        per_file[_file_of(r.get("test"))][r["result"]] += 1
    for t in direct:
        per_file[_file_of(t["test"])]["direct:" + t.get("result", t["outcome"])] += 1
    groups = collections.defaultdict(list)
    for r in cases:
        if r["result"] in ("refused", "error", "unmappable", "wrong"):
            result = r["result"] + (" (srcgrad internal)" if r.get("internal") else "")
            key = (result, _norm(r.get("message")))
            groups[key].append(r)
    for t in direct:
        if t.get("result") in ("refused", "error", "unmappable", "assert", "timeout"):
            result = t["result"] + (" (srcgrad internal)" if t.get("internal") else "")
            groups[("test " + result, _norm(t.get("message")))].append(t)
    return cases, tests, collect, totals, fwd, higher, direct_totals, per_file, groups


def markdown(mode, examples, suite, tail, seconds, revision=None):
    out = ["# srcgrad on HIPS autograd's examples and tests (mode=%s)" % mode, ""]
    if seconds is None:   # --from-records
        out.append("Summarised from the records of `python scripts/outside/run.py --mode %s`%s. "
                   "Method: docs/outside.md." % (mode, " (srcgrad %s)" % revision
                                                 if revision else ""))
    else:
        out.append("Generated by `python scripts/outside/run.py --mode %s` in %.0f s%s, "
                   "NumPy %s. Method: docs/outside.md." % (
                       mode, seconds, " on srcgrad %s" % revision if revision else "",
                       _numpy_version()))
    out.append("")
    if examples is not None:
        counts = collections.Counter(e["status"] for e in examples)
        wrong = [e for e in examples if "WRONG" in e["status"]]
        out += ["## Examples", ""]
        if wrong:
            out += ["**WRONG gradients: %d** (soundness bugs):" % len(wrong), ""]
            out += ["- %s: %s" % (e["name"], e["detail"]) for e in wrong] + [""]
        took = [e for e in examples if e["status"] not in ("no-gradient",)]
        out.append("%d programs; %d take a gradient. " % (len(examples), len(took)) +
                   ", ".join("%s: %d" % kv for kv in sorted(counts.items())))
        out += ["", "| example | status | detail | s |", "|---|---|---|---|"]
        for e in examples:
            out.append("| %s | %s | %s | %s |" % (e["name"], e["status"],
                                                  e.get("detail", "").replace("|", "\\|"),
                                                  e.get("seconds", "")))
        out.append("")
    if suite is not None:
        (cases, tests, collect, totals, fwd, higher, direct_totals, per_file,
         groups) = suite_tables(suite)
        measured = sum(totals[k] for k in MEASURED)
        out += ["## Test suite", ""]
        if tail:
            out.append("pytest: `%s`" % tail[0])
            out.append("")
        out.append("**Gradient checks** (`check_grads`/`combo_check` calls; first-order "
                   "reverse mode each): %d recorded; of the %d measured, **%d pass (%.1f%%)**, "
                   "%d wrong, %d refused, %d error." % (
                       len(cases), measured, totals["pass"],
                       100.0 * totals["pass"] / max(1, measured), totals["wrong"],
                       totals["refused"], totals["error"]))
        out.append("Not measured: %d invalid (the case fails in plain NumPy %s), %d "
                   "unmappable (autograd internals), %d out of scope (forward mode only, or a "
                   "derivative inside the checked function), %d planted wrong (the checker's "
                   "self-tests). Issue 11's scope, not run: %d forward-mode checks and %d "
                   "order>1 checks requested alongside." % (
                       totals["invalid"], _numpy_version(), totals["unmappable"],
                       totals["out-of-scope"], totals["planted-wrong"], fwd, higher))
        internal = sum(1 for r in cases if r.get("internal"))
        if internal:
            out.append("")
            out.append("Of the errors, %d are exceptions raised inside srcgrad's own code "
                       "(internal tracebacks, not refusals)." % internal)
        engines = collections.Counter(_engine_kind(r.get("engine")) for r in cases
                                      if r["result"] == "pass" and r.get("engine"))
        if engines and mode == "auto":
            out.append("")
            out.append("Engines of the passing cases (mode auto): " + ", ".join(
                "%s %d" % kv for kv in sorted(engines.items())) + ".")
        out.append("")
        out.append("**Tests without check_grads** (they call grad & co. and assert): %d: %s."
                   % (sum(direct_totals.values()), ", ".join(
                       "%s %d" % kv for kv in sorted(direct_totals.items()))))
        if collect:
            out.append("")
            out.append("Collection errors: " + "; ".join("%s: %s" % (c["test"], c["message"])
                                                         for c in collect))
        wrong = [r for r in cases if r["result"] == "wrong"]
        if wrong:
            out += ["", "### Wrong gradients (soundness bugs)", ""]
            for r in wrong[:40]:
                out.append("- `%s` %s args=%s kwargs=%s: %s (analytic %r, numeric %r)" % (
                    r.get("test"), r.get("fun"), r.get("args"), r.get("kwargs"),
                    r.get("message"), r.get("analytic"), r.get("numeric")))
        out += ["", "### Per test file", "",
                "| file | checks | pass | wrong | refused | error | invalid/unmappable/fwd-only "
                "| direct tests (pass/all) |", "|---|---|---|---|---|---|---|---|"]
        for f in sorted(per_file):
            c = per_file[f]
            n = sum(v for k, v in c.items() if not k.startswith("direct:"))
            d_all = sum(v for k, v in c.items() if k.startswith("direct:"))
            out.append("| %s | %d | %d | %d | %d | %d | %d | %d/%d |" % (
                f, n, c["pass"], c["wrong"], c["refused"], c["error"],
                c["invalid"] + c["unmappable"] + c["out-of-scope"], c["direct:pass"], d_all))
        out += ["", "### Top refusal and error messages", "",
                "| count | result | message | e.g. |", "|---|---|---|---|"]
        for (result, msg), rs in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:30]:
            r = rs[0]
            where = r.get("where") or ""
            m = re.match(r"^(\S+\.py:\d+)", r.get("message") or "")
            if not where and m:
                where = m.group(1).rsplit("/", 1)[-1]
            eg = "%s %s" % (r.get("test", ""), where)
            out.append("| %d | %s | %s | %s |" % (len(rs), result, msg.replace("|", "\\|"),
                                                  eg.replace("|", "\\|")))
        out.append("")
    return _tidy("\n".join(out) + "\n")


def _tidy(text):
    """Paths shortened: the sdist's files as ``autograd-1.9.1/...``, installed
    packages as ``site-packages/...``, this checkout's files relative to it."""
    text = re.sub(r"/\S*?/(autograd-\d[\w.]*/)", r"\1", text)
    text = re.sub(r"/\S*?/site-packages/", "site-packages/", text)
    return text.replace(ROOT + "/", "")


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _engine_kind(engine):
    if engine in ("compiled", "rule", "compile"):
        return "compiled" if engine != "rule" else "a primitive's rule"
    if engine.startswith("ran on the tape"):
        return "tape although explain says compiled"
    if engine.startswith("compiled+tape"):
        return "compiled with calls on the tape"
    if engine.startswith("tape"):
        return "tape (fallback)"
    return engine.split(":")[0]


def _numpy_version():
    import numpy
    return numpy.__version__


BEGIN, END = "<!-- outside:begin -->", "<!-- outside:end -->"


def write_docs(path, text):
    with open(path) as fh:
        doc = fh.read()
    if BEGIN not in doc or END not in doc:
        raise SystemExit("%s has no %s ... %s markers" % (path, BEGIN, END))
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    body = text.replace("\n### ", "\n##### ").replace("\n## ", "\n#### ").replace(
        "\n# ", "\n### ")
    if body.startswith("# "):
        body = "### " + body[2:]
    with open(path, "w") as fh:
        fh.write(head + BEGIN + "\n" + body + END + tail)
