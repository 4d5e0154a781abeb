"""Peak memory of one RNN training step (the ``medium`` problem by default) in minigrad, PyTorch and numpy.

Usage::

    python benchmarks/rnn_memory.py [--size medium] [--impls numpy,torch,minigrad]

Each implementation runs in its own fresh subprocess, which builds the model and data exactly as
``rnn_train.py`` does, runs one warm-up step, drops the gradients, and then measures one more step:

* **peak RSS growth**: the process's peak resident set size during the step minus its resident size just
  before it. Linux lets a process reset its recorded peak (``VmHWM`` in ``/proc/self/status``) by writing
  ``5`` to ``/proc/self/clear_refs``, so the peak is the step's own, not the setup's.
* **tracemalloc peak** (numpy and minigrad only): the traced peak minus the traced size before the step.
  numpy reports its array buffers to tracemalloc, so this counts arrays and Python objects; PyTorch's
  buffers are invisible to it, so it shows ``n/a`` there. It is measured on a separate, later step,
  because tracing costs memory of its own that would inflate the RSS figure.

The subprocesses run with ``MALLOC_MMAP_THRESHOLD_`` fixed at 128 KiB: every large buffer is then its own
mapping, returned to the system when freed, so resident size tracks live memory instead of whatever glibc
kept cached after the warm-up step. Target: minigrad's peak RSS growth <= 1.2x the numpy reference's.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for _path in (_HERE, _HERE.parent):  # numpy_rnn and rnn_train; this checkout's minigrad, uninstalled
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import numpy_rnn  # noqa: E402
import rnn_train  # noqa: E402

MIB = 1024 * 1024
TARGET = 1.2  # minigrad / numpy, peak RSS growth
IMPLS = ("numpy", "torch", "minigrad")


def _status_kib(field: str) -> int:
    """A ``VmRSS``/``VmHWM``-style field of ``/proc/self/status``, in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak_rss() -> None:
    """Make ``VmHWM`` (peak RSS) start again from the current RSS (Linux 4.0+)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def measure(impl: str, size: str) -> dict:
    """Build ``impl``'s step for ``size``, warm it up, then measure one step; runs inside the subprocess.

    Returns a dict with ``rss_setup`` (RSS before the measured step), ``rss_growth`` (peak RSS growth during
    it), ``traced_growth`` (tracemalloc peak growth, or None for torch), all in bytes, and the ``loss``.
    """
    libs = {}
    if impl == "torch":
        libs["torch"] = rnn_train.load_torch()
    elif impl == "minigrad":
        libs["minigrad"] = rnn_train.load_minigrad()
    if None in libs.values():
        return {"error": f"{impl} not available"}
    step = rnn_train.build_steps(size, libs)[impl]
    # A framework keeps .grad after optimizer.step() until the next zero_grad(); the numpy step drops its
    # gradients on return. Freeing them first makes every implementation allocate its gradients in the step.
    optimizer = getattr(step, "optimizer", None)
    drop_grads = optimizer.zero_grad if optimizer is not None else (lambda: None)

    step()  # warm-up: lazy imports, BLAS buffers, first-call caches
    drop_grads()
    gc.collect()

    rss_before = _status_kib("VmRSS")
    reset_peak_rss()
    if _status_kib("VmHWM") > rss_before + 1024:
        raise RuntimeError("writing 5 to /proc/self/clear_refs did not reset VmHWM")
    loss = step()
    rss_growth = _status_kib("VmHWM") - rss_before

    drop_grads()
    gc.collect()
    traced_growth = None
    if impl != "torch":
        tracemalloc.start()
        traced_before = tracemalloc.get_traced_memory()[0]
        step()
        traced_growth = tracemalloc.get_traced_memory()[1] - traced_before
        tracemalloc.stop()
    return {
        "rss_setup": rss_before * 1024,
        "rss_growth": rss_growth * 1024,
        "traced_growth": traced_growth,
        "loss": loss,
    }


def run_worker(impl: str, size: str) -> dict:
    """Measure ``impl`` in a fresh Python subprocess and return its result dict."""
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_=str(128 * 1024))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", impl, "--size", size]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"}
    # The worker's last line is its JSON result; earlier lines are notes (e.g. "minigrad.nn not available").
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value / MIB:.1f}"


def main(argv: list[str] | None = None) -> int:
    """Run one subprocess per implementation and print each one's memory and its ratio to numpy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=list(numpy_rnn.SIZES))
    parser.add_argument("--impls", default=",".join(IMPLS), help="comma-separated: numpy,torch,minigrad")
    parser.add_argument("--worker", choices=IMPLS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.worker, args.size)))
        return 0

    impls = [i.strip() for i in args.impls.split(",") if i.strip()]
    print(f"{args.size}: {numpy_rnn.SIZES[args.size]}, one process per implementation")
    results = {impl: run_worker(impl, args.size) for impl in impls}
    base = results.get("numpy", {}).get("rss_growth")
    print("  MiB; 'setup' is the RSS before the measured step, the last column its loss (should agree)")
    print(f"  {'impl':<9}  {'setup':>7}  {'peak RSS growth':>15}  {'vs numpy':>8}  {'tracemalloc':>11}  {'loss':>9}")
    for impl, res in results.items():
        if "error" in res:
            print(f"  {impl:<9}  {res['error']}")
            continue
        vs = f"{res['rss_growth'] / base:.2f}x" if base else "n/a"
        print(
            f"  {impl:<9}  {_mib(res['rss_setup']):>7}  {_mib(res['rss_growth']):>15}  {vs:>8}"
            f"  {_mib(res['traced_growth']):>11}  {res['loss']:>9.6f}"
        )
    mg = results.get("minigrad", {})
    if base and "rss_growth" in mg:
        r = mg["rss_growth"] / base
        print(f"target minigrad/numpy peak RSS growth <= {TARGET}: {r:.2f}  {'PASS' if r <= TARGET else 'MISS'}")
    else:
        print(f"target minigrad/numpy peak RSS growth <= {TARGET}: not measured")
    return 0


if __name__ == "__main__":
    sys.exit(main())
