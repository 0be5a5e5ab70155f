"""Benchmarks: each module prints its figures beside a reference run measured in the same process.

``python -m bench`` runs every module here that has a ``main()``; ``python -m bench NAME [ARGS]``
runs one (``python -m bench extraction``).
"""
