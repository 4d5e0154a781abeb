"""``minigrad.utils.hooks``: where PyTorch code finds ``RemovableHandle`` (``torch.utils.hooks``)."""

from minigrad.autograd.hooks import RemovableHandle

__all__ = ["RemovableHandle"]
