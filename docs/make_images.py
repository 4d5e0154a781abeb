"""Draw the pictures that README.md and the docs show, with the `minigrad` command itself.

    python docs/make_images.py [OUTPUT_DIR]      # default: docs/images

Every picture is made by code (seeded, so reruns give the same drawing); none is drawn by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from minigrad.cli import main

#: file name -> the `minigrad` command line that draws it
PICTURES = {
    "minigrad-demo.png": ["demo", "--seed", "0"],
    "rnn-bidirectional.png": ["graph", "--num-layers", "2", "--seq-len", "3", "--bidirectional", "--seed", "0"],
    "rnn-200-steps-collapsed.svg": ["graph", "--num-layers", "2", "--seq-len", "200", "--collapse", "step",
                                    "--seed", "0"],
}


def make(out_dir: Path) -> list[Path]:
    """Write every picture in ``PICTURES`` into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, args in PICTURES.items():
        path = out_dir / name
        code = main([*args, "-o", str(path)])
        if code:
            raise SystemExit(f"minigrad {' '.join(args)} failed with exit status {code}")
        written.append(path)
    return written


if __name__ == "__main__":
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "images")
