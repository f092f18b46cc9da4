"""Where things live: the repository, its git-ignored build folder, and the cache outside it."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = ROOT / "build"
STAGED_BUILDPACKS = BUILD_DIR / "buildpacks"
STACKS_DIR = ROOT / "stacks"
EXAMPLES_DIR = ROOT / "examples"
BENCHMARK_RESULTS = ROOT / "benchmarks" / "results"


def cache_dir() -> Path:
    """Downloads and built artifacts, kept between runs: `PYCNB_CACHE_DIR` or ~/.cache/pycnb."""
    path = Path(os.environ.get("PYCNB_CACHE_DIR") or Path.home() / ".cache" / "pycnb")
    path.mkdir(parents=True, exist_ok=True)
    return path
