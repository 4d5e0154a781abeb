"""minigrad: an autograd engine on numpy with PyTorch's API, written to be read.

    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

# Last: the drawings (they watch backward for gradient norms), then the fast floor, which plugs its kernels into
# the lesson above (MINIGRAD_FAST=0 or minigrad.fast.set_enabled(False) leaves them unused).
from minigrad import (  # noqa: F401  (utils: torch.utils.data's path)
    autograd,
    cuda,
    data,
    dtypes,
    fast,  # noqa: E402, I001
    nn,
    optim,
    utils,
    viz,  # noqa: E402, I001
)
from minigrad._device import device
from minigrad._functional import *  # noqa: F401,F403
from minigrad._functional import __all__ as _functional_all
from minigrad.autograd import (
    Function,
    GradcheckError,
    enable_grad,
    gradcheck,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from minigrad.creation import (
    arange,
    default_generator,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    manual_seed,
    multinomial,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from minigrad.dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from minigrad.serialization import load, save
from minigrad.tensor import Size, Tensor

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Size", "tensor", "from_numpy", "zeros", "ones", "empty", "full", "full_like", "zeros_like",
    "ones_like", "randn", "rand", "randint", "randperm", "arange", "linspace", "eye", "manual_seed",
    "multinomial", "default_generator", "nn", "optim", "data", "save", "load", "Function", "GradcheckError",
    "gradcheck",
    "no_grad", "enable_grad",
    "set_grad_enabled", "is_grad_enabled", "autograd", "dtypes", "dtype", "device", "cuda", "viz", "fast",
    "float16", "float32", "float64",
    "half", "float", "double", "int8", "uint8", "int16", "int32", "int64", "short", "int", "long", "bool",
    *_functional_all,
]
