"""What the commands of `sgkg` share: exit codes, the common options, progress, printing problems."""
from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_NONCONFORMING, EXIT_UNUSABLE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def add_common(p: argparse.ArgumentParser, out: bool = True) -> None:
    """--quiet, --json, and (for commands that read or write a build) --out."""
    p.add_argument("--quiet", "-q", action="store_true", help="print only errors")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    if out:
        p.add_argument("--out", default="build", help="build folder (default: build)")


class Progress:
    """A one-line progress counter on stderr, only on a terminal and never with --quiet."""

    def __init__(self, enabled: bool, label: str):
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label

    def __call__(self, done: int, total: int) -> None:
        if self.enabled:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def print_problems(problems, quiet: bool) -> None:
    for p in problems:
        if quiet and p.severity != "error":
            continue
        print(p, file=sys.stderr)


def seconds(text: str) -> float:
    """A positive number of seconds (for --timeout)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value
