"""The tutorials are scripts, run by tests/tape/test_tutorials.py: not
collected (``--doctest-modules`` would import, that is run, each of them)."""

collect_ignore_glob = ["*.py"]
