"""Benchmarks: scripts run by hand (python -m bench.<name>), figures in the closing notes."""
