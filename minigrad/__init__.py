"""minigrad: an autograd engine on numpy with PyTorch's API, written to be read.

    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
"""

import warnings as _warnings

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
from minigrad._format import set_printoptions
from minigrad._functional import *  # noqa: F401,F403
from minigrad._functional import __all__ as _functional_all
from minigrad._legacy import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    get_default_device,
    get_default_dtype,
    set_default_device,
    set_default_dtype,
)
from minigrad.autograd import (
    Function,
    GradcheckError,
    enable_grad,
    gradcheck,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from minigrad.creation import (
    arange,
    as_tensor,
    bernoulli,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    manual_seed,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
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
from minigrad.random import get_rng_state, initial_seed, seed, set_rng_state
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
    "set_printoptions", "inference_mode", "as_tensor", "bernoulli", "normal", "empty_like", "rand_like",
    "randn_like", "randint_like", "logspace", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
    "ByteTensor", "BoolTensor", "get_default_dtype", "set_default_dtype", "get_default_device",
    "set_default_device",
    *_functional_all,
]

# numpy reports inf - inf, 0 / 0 and overflow as RuntimeWarnings from the op that met them; PyTorch computes them
# silently (nan, inf), and so does minigrad. Only warnings raised from minigrad's own code are hidden.
_warnings.filterwarnings("ignore", r"(invalid value|divide by zero|overflow|underflow) encountered", RuntimeWarning,
                         r"minigrad(\.|$)")
