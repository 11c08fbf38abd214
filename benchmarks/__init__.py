"""Benchmarks: `python -m benchmarks` prints how fast and lean each command is (see docs/benchmarks.md)."""
