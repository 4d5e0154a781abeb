"""numpy warns about inf - inf, 0 / 0, log of a negative and overflow; PyTorch computes nan and inf silently, and so
does minigrad. The filter is scoped to minigrad's own code: the user's numpy still warns."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import numpy as np
import minigrad as mg
inf = mg.tensor([float("inf"), 0.0, -1.0], requires_grad=True)
y = (inf - inf) + inf * 0 + mg.tensor([0.0]) / 0 + inf.log() + (inf * 1000).exp() + inf.sqrt()
y.sum().backward()
assert mg.cdist(mg.tensor([[float("inf")]]), mg.tensor([[float("inf")]])).isnan().all()
empty = mg.ones(0, 3, requires_grad=True)
means = [empty.mean(), empty.mean(0), mg.nn.functional.smooth_l1_loss(empty, empty.detach()),
         mg.nn.functional.binary_cross_entropy(empty.sigmoid(), empty.detach())]
assert all(m.isnan().all() for m in means)
sum(m.sum() for m in means).backward()
try:
    np.array([0.0]) / 0
except RuntimeWarning:
    print("numpy still warns")
"""


def test_minigrad_computes_nan_and_inf_without_numpy_warnings_and_leaves_the_users_numpy_alone():
    done = subprocess.run([sys.executable, "-W", "error", "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "numpy still warns"
