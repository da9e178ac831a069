"""docs/rules.md is generated from the registry and must be current."""

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _generator():
    path = os.path.join(ROOT, "scripts", "gen_rules_doc.py")
    spec = importlib.util.spec_from_file_location("gen_rules_doc", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_rules_doc_is_current():
    gen = _generator()
    with open(gen.TARGET, encoding="utf-8") as f:
        current = f.read()
    assert current == gen.render(), \
        "docs/rules.md is stale: run `python scripts/gen_rules_doc.py`"
