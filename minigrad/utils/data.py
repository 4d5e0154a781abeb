"""``minigrad.utils.data`` is ``minigrad.data`` under PyTorch's path, so ``from torch.utils.data import DataLoader``
becomes ``from minigrad.utils.data import DataLoader``."""

from minigrad.data import *  # noqa: F401,F403
from minigrad.data import __all__  # noqa: F401
