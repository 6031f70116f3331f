"""Benchmarks of the portal (issue 6): `bench/run` or `python -m bench`."""
