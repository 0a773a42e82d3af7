"""The case's life (screening/case.py, lifecycle.py, candidates.py, runs.py, expiry.py) and the
case's fixtures (conftest.py), which tests elsewhere import by name."""
