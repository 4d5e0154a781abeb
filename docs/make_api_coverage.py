"""Write ``docs/api/coverage.md``: PyTorch's public names, and for each whether minigrad has it.

    python docs/make_api_coverage.py            # refresh the names from the installed torch, then the page
    python docs/make_api_coverage.py --offline  # the page only, from the names stored in the fixture

The names come from live PyTorch (``torch``, ``torch.Tensor``, ``torch.nn``, ``torch.nn.functional``,
``torch.optim``, ``torch.optim.lr_scheduler``, ``torch.utils.data``): a namespace's ``__all__`` where it has one,
else its public attributes. They are stored in ``tests/fixtures/torch_public_names.json`` so that the page can be
checked without torch (``tests/docs/test_api_coverage.py``: the page must be what this script writes today, and
every name minigrad has must be listed as supported). A name minigrad lacks is either planned or out of scope,
with the reason, by the rules in ``OUT_OF_SCOPE`` (first match wins).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api" / "coverage.md"
NAMES = ROOT / "tests" / "fixtures" / "torch_public_names.json"

#: (title, PyTorch's namespace, minigrad's namespace)
NAMESPACES = [
    ("torch", "torch", "minigrad"),
    ("Tensor", "torch.Tensor", "minigrad.Tensor"),
    ("nn", "torch.nn", "minigrad.nn"),
    ("nn.functional", "torch.nn.functional", "minigrad.nn.functional"),
    ("optim", "torch.optim", "minigrad.optim"),
    ("optim.lr_scheduler", "torch.optim.lr_scheduler", "minigrad.optim.lr_scheduler"),
    ("utils.data", "torch.utils.data", "minigrad.utils.data"),
]

#: (pattern on the name, reason): why a name minigrad lacks is out of scope. Anything else is planned.
OUT_OF_SCOPE = [
    (r"cuda|cudnn|mps|xpu|hip|mtia|mkldnn|vulkan|fbgemm|miopen|npu|ipu|hpu|xla|nnpack|accelerator|is_vulkan|"
     r"openreg|privateuse|mkl\b|_mkl", "another device or vendor backend: minigrad runs on numpy, on the CPU"),
    (r"sparse|_coo|coo_|csr|csc|bsr|bsc|crow|ccol|indices|to_dense|coalesce|is_coalesced|_nnz|dense_dim|sparse_dim",
     "sparse tensors"),
    (r"quant|qint|quint|qscheme|q_scale|q_zero|q_per|int_repr|dequantize|fake_", "quantized tensors"),
    (r"distributed|rpc|DataParallel|parallel|DistributedSampler", "distributed and multi-process training"),
    (r"complex|conj|real|imag|angle|polar|view_as_real|chalf|cfloat|cdouble|ComplexFloat|ComplexDouble",
     "complex numbers"),
    (r"jit|script|trace|compile|fx|export|onnx|dynamo|inductor|symbolic|Sym[A-Z]|sym_|ScriptModule|functorch|vmap|"
     r"func\b|library|ops\b|overrides|classes|masked|nested|_refs|_prims|_decomp|guard",
     "compilers, tracing, export and functional transforms"),
    (r"storage|Storage|share_memory|pin_memory|is_pinned|data_ptr|record_stream|nbytes|untyped|is_shared|"
     r"set_\b|from_file|_cdata|device_of|get_device|is_meta|is_inference|mem", "storage and memory internals"),
    (r"^names$|refine_names|align_to|align_as|rename", "named tensors"),
    (r"Type$|Type[A-Z]|^(AliasDb|Argument|ArgumentSpec|CompleteArgumentSpec|Block|Graph|Node|Code|Capsule|CallStack|"
     r"CompilationUnit|ConcreteModuleTypeBuilder|DeepCopyMemoTable|ErrorReport|ExecutionPlan|FileCheck|FunctionSchema|"
     r"Future|Gradient|GraphExecutorState|JITException|LockingLogger|NoopLogger|OperatorInfo|Script[A-Za-z]*|"
     r"StaticModule|TracingState|Use|Value|Tag|AggregationType|AVG|SUM|BenchmarkConfig|BenchmarkExecutionStats|"
     r"PyTorchFileReader|PyTorchFileWriter|ThroughputBenchmark|LiteScriptModule|fork|wait|cpp|import_ir_module.*|"
     r"parse_ir|parse_schema|parse_type_comment|merge_type_from_type_comment|unify_type_list|DisableTorchFunction.*|"
     r"DispatchKey|DispatchKeySet|thread_safe_generator|hash_tensor)$", "TorchScript and dispatcher internals"),
    (r"autocast|GradScaler|float8|float4|bfloat16|bits[0-9]|^u?int[1-7]$|^uint(16|32|64)$|matmul_precision|"
     r"num_threads|num_interop|init_num_threads|has_lapack|has_openmp|has_spectral|deterministic|anomaly|warn_always",
     "mixed precision, exotic dtypes and runtime settings"),
    (r"^(Stream|Event|StreamObjType|Generator|OutOfMemoryError|AcceleratorError|FatalError|layout|"
     r"empty_permuted|empty_strided|as_strided.*|frombuffer|resize_as_)$", "streams, layouts and strides"),
    (r"^native_|_backward_|_elemt$|_stats|_copy$|_scatter$|^unsafe_|^rnn_tanh|^rnn_relu|^lstm|^gru|^saddmm$|"
     r"^dsmm$|^hsmm$|^smm$|^hspmm$|^sspaddmm$|^spmm$|norm_except_dim|frobenius_norm|^nuclear_norm$|^native_norm$|"
     r"^constant_pad_nd$|^feature_dropout|^embedding_renorm_|^scalar_tensor$",
     "ATen internals (PyTorch's functional kernels behind its layers, not meant to be called)"),
    (r"Conv|conv|Pool|pool|Pad[0-9]|pad[0-9]|Unfold|Fold|PixelShuffle|PixelUnshuffle|pixel_|Upsample|upsample|"
     r"interpolate|grid_sample|affine_grid|Transformer|Multihead|attention|ChannelShuffle|channel_shuffle|LocalResponse|"
     r"local_response|CrossMapLRN|fold|im2col|col2im", "convolution, pooling and attention: planned, in an issue of "
     "their own"),
    (r"stft|istft|fft|window|bartlett|blackman|hamming|hann|kaiser", "signal processing"),
    (r"linalg|lu|cholesky|qr\b|svd|eig|lstsq|solve|pinverse|inverse|det\b|slogdet|logdet|matrix_exp|matrix_power|"
     r"ormqr|geqrf|orgqr|householder|triangular|lobpcg|pca_lowrank|svd_lowrank", "linear algebra beyond matmul"),
]


def public_names(namespace: object) -> list[str]:
    """``__all__`` where the namespace has it, else its public attributes; sorted, no underscore names."""
    names = getattr(namespace, "__all__", None)
    if names is None:
        names = dir(namespace)
    return sorted({n for n in names if not n.startswith("_")})


def resolve(path: str) -> object:
    """``"torch.nn.functional"`` -> that module; ``"torch.Tensor"`` -> the class."""
    module, _, attr = path.rpartition(".")
    try:
        return importlib.import_module(path)
    except ImportError:
        return getattr(importlib.import_module(module), attr)


def torch_names() -> dict[str, list[str]]:
    """Live PyTorch's public names per namespace title."""
    return {title: public_names(resolve(torch_path)) for title, torch_path, _ in NAMESPACES}


def reason(name: str) -> str:
    """Why minigrad lacks ``name``: the first matching ``OUT_OF_SCOPE`` reason, else ``"planned"``."""
    for pattern, why in OUT_OF_SCOPE:
        if re.search(pattern, name):
            return why
    return "planned"


def render(names: dict[str, list[str]], torch_version: str) -> str:
    """The page, from PyTorch's ``names`` and the minigrad imported now."""
    lines = [
        "# API coverage",
        "",
        f"Every public name of PyTorch {torch_version}'s `torch`, `Tensor`, `nn`, `nn.functional`, `optim`, "
        "`optim.lr_scheduler` and `utils.data`, and whether minigrad has it. A name minigrad lacks is either "
        "*planned* or out of scope, with the reason. This page is written by `docs/make_api_coverage.py`; the tests "
        "fail when it is stale or lists a name minigrad has as missing.",
        "",
        "| namespace | PyTorch names | in minigrad | planned | out of scope |",
        "|---|---|---|---|---|",
    ]
    sections = []
    for title, _, ours in NAMESPACES:
        have = resolve(ours)
        rows, counts = [], {"yes": 0, "planned": 0, "out": 0}
        for name in names[title]:
            if hasattr(have, name):
                counts["yes"] += 1
                rows.append(f"| `{name}` | yes | |")
            else:
                why = reason(name)
                counts["planned" if why == "planned" else "out"] += 1
                rows.append(f"| `{name}` | no | {why} |")
        total = len(names[title])
        lines.append(f"| `{title}` | {total} | {counts['yes']} | {counts['planned']} | {counts['out']} |")
        sections += ["", f"## {title}", "", "| name | in minigrad | if not, why |", "|---|---|---|", *rows]
    return "\n".join(lines + sections) + "\n"


def main() -> int:
    """Refresh the stored names from live torch (unless ``--offline``), then write the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", action="store_true", help="use the stored names; do not import torch")
    args = parser.parse_args()
    if not args.offline:
        import torch

        stored = {"torch_version": torch.__version__.split("+")[0], "names": torch_names()}
        NAMES.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    stored = json.loads(NAMES.read_text(encoding="utf-8"))
    sys.path.insert(0, str(ROOT))
    PAGE.write_text(render(stored["names"], stored["torch_version"]), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
