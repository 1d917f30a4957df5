"""`python -m bench`: the benchmark suite (see bench/suite.py and bench/README.md)."""

from bench.suite import main

main()
