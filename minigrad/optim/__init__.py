"""minigrad.optim: optimizers that update parameters from their gradients (``SGD``, ``Adam``, ``AdamW``,
``RMSprop``, ``Adadelta``, ``Adagrad``, ``Adamax``, ``NAdam``, ``RAdam``, ``ASGD``, ``Rprop``, and ``LBFGS``, which
is driven by a closure), and ``lr_scheduler``, which changes their learning rates as training goes on.

    opt = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    for x, y in loader:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
"""

from minigrad.optim import lr_scheduler
from minigrad.optim.adadelta import Adadelta
from minigrad.optim.adagrad import Adagrad
from minigrad.optim.adam import Adam, AdamW
from minigrad.optim.adamax import Adamax
from minigrad.optim.asgd import ASGD
from minigrad.optim.lbfgs import LBFGS
from minigrad.optim.nadam import NAdam
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.radam import RAdam
from minigrad.optim.rmsprop import RMSprop
from minigrad.optim.rprop import Rprop
from minigrad.optim.sgd import SGD

__all__ = [
    "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam", "ASGD",
    "Rprop", "LBFGS", "lr_scheduler",
]
