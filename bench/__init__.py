"""Benchmarks: `python -m bench` prints a table of figures measured beside their limits."""
