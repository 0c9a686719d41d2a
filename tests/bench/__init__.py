"""`make bench` (python -m tests.bench) and `make bench-large` (python -m tests.bench.large)."""
