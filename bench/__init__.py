"""The project's benchmarks: `make bench` (or `python -m bench NAME ...`)."""
