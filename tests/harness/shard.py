# SPDX-License-Identifier: GPL-2.0
"""SHARD=I/N: the deterministic share of the selected suites that shard I of N runs.

Suite number K (from 0, in the order selected) goes to shard K mod N + 1, so
the N shards of one selection run every suite exactly once.
"""

import re
from typing import Sequence

USAGE = ("SHARD=%s: use SHARD=I/N with 1 <= I <= N, e.g. SHARD=2/4 runs the second "
         "of four shares of the suites")


class ShardError(ValueError):
    pass


def parse(spec: str) -> tuple[int, int]:
    """(i, n) from "I/N", or ShardError with the usage."""
    m = re.fullmatch(r"([0-9]+)/([0-9]+)", spec)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise ShardError(USAGE % spec)
    return int(m.group(1)), int(m.group(2))


def select(spec: str, names: Sequence[str]) -> list[str]:
    i, n = parse(spec)
    return [name for k, name in enumerate(names) if k % n == i - 1]
