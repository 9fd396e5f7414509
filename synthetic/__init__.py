"""Synthetic populations: seeded, deterministic municipalities, homes and citizens.

Used by the demo, the benchmarks and the planners' scenario simulation.
"""
