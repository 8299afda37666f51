"""The benchmark: `bench/run.py` (or `make bench`). Not part of the site, and not a test."""
