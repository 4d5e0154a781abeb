"""``minigrad.cuda``: what a CPU-only library answers, so that device-picking code runs unchanged::

    device = minigrad.device("cuda" if minigrad.cuda.is_available() else "cpu")    # device(type='cpu')
"""

from __future__ import annotations


def is_available() -> bool:
    """False: minigrad has no GPU backend."""
    return False


def device_count() -> int:
    """0: minigrad sees no GPU."""
    return 0
