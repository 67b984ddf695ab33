# SPDX-License-Identifier: GPL-2.0
"""Merge the results of several runs (shards, hosts) into one summary.json and junit.xml.

Each input is a results directory holding a summary.json. Suites keep their
order, directory by directory; a suite found again in a later directory is
named NAME~2, NAME~3, ... so that no key repeats.
"""

import json
import os

from . import results


def merge(directories):
    merged = {}
    for directory in directories:
        with open(os.path.join(directory, "summary.json"), encoding="utf-8") as f:
            suites = json.load(f)["suites"]
        for name, record in suites.items():
            key, n = name, 1
            while key in merged:
                n += 1
                key = "%s~%d" % (name, n)
            merged[key] = record
    return merged


def write(out, directories):
    os.makedirs(out, exist_ok=True)
    records = merge(directories)
    results.write_summary(os.path.join(out, "summary.json"), records,
                          shard="merged from " + " ".join(directories))
    results.write_junit(os.path.join(out, "junit.xml"), records)
    return records
