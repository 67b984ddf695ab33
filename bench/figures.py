# SPDX-License-Identifier: GPL-2.0
"""The figure arithmetic every bench stage's parser shares: a figure is the
median of its runs with min and max; a ratio A/B is median(A)/median(B),
bounded by min(A)/max(B) and max(A)/min(B)."""

import statistics


def read_pairs(path):
    """Read "key value" lines into a dict of strings."""
    pairs = {}
    with open(path) as f:
        for line in f:
            parts = line.split(None, 1)
            if len(parts) == 2:
                pairs[parts[0]] = parts[1].strip()
    return pairs


def make_figure(values, unit, goal=None, met=None):
    values = [v for v in values if v is not None]
    if not values:
        return None
    fig = {"median": statistics.median(values), "min": min(values), "max": max(values),
           "unit": unit, "runs": len(values)}
    if goal:
        fig["goal"] = goal
        fig["meets_goal"] = met(fig["median"])
    return fig


def make_ratio(a, b, goal=None, met=None):
    """A ratio of two figures: medians divided, bounds from the extremes."""
    if not a or not b or not b["median"] or not b["min"]:
        return None
    fig = {"median": a["median"] / b["median"], "min": a["min"] / b["max"],
           "max": a["max"] / b["min"], "unit": "ratio", "runs": min(a["runs"], b["runs"])}
    if goal:
        fig["goal"] = goal
        fig["meets_goal"] = met(fig["median"])
    return fig


def per_second(count, elapsed_ms):
    return float(count) * 1000.0 / float(elapsed_ms) if float(elapsed_ms) > 0 else None

