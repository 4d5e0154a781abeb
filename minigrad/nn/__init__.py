"""minigrad.nn: modules, parameters, initialisation and functional forms of the layers."""

from minigrad.nn import functional as functional
from minigrad.nn import init as init
from minigrad.nn import utils as utils
from minigrad.nn.activation import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Tanh,
    Threshold,
)
from minigrad.nn.batchnorm import BatchNorm1d, BatchNorm2d
from minigrad.nn.container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from minigrad.nn.distance import CosineSimilarity, PairwiseDistance
from minigrad.nn.dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d
from minigrad.nn.flatten import Flatten, Unflatten
from minigrad.nn.linear import Bilinear, Identity, Linear
from minigrad.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from minigrad.nn.module import Module
from minigrad.nn.normalization import GroupNorm, LayerNorm, RMSNorm
from minigrad.nn.parameter import Parameter
from minigrad.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from minigrad.nn.sparse import Embedding

__all__ = [
    "Module", "Parameter", "Linear", "Identity", "Tanh", "ReLU", "Sigmoid", "Softmax", "LogSoftmax", "Dropout",
    "Flatten", "Embedding", "Sequential", "ModuleList", "ModuleDict", "MSELoss", "L1Loss", "BCELoss",
    "BCEWithLogitsLoss", "NLLLoss", "CrossEntropyLoss", "init",
    "functional", "RNNCellBase", "RNNCell", "RNNBase", "RNN", "LSTMCell", "LSTM", "GRUCell", "GRU",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "RMSNorm", "Dropout1d", "Dropout2d", "AlphaDropout",
    "LeakyReLU", "ELU", "GELU", "SiLU", "Softplus", "Hardtanh", "ReLU6", "PReLU", "Softmin", "LogSigmoid", "Threshold",
    "ParameterList", "ParameterDict", "Unflatten", "Bilinear", "CosineSimilarity", "PairwiseDistance",
    "SmoothL1Loss", "HuberLoss", "KLDivLoss", "CosineEmbeddingLoss", "MarginRankingLoss"]
