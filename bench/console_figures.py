# SPDX-License-Identifier: GPL-2.0
"""The console stage's figures (bench/console.sh): command round trips
through the console and an idle guest's cost to the host, on the appliance
kernel and on the same kernel without patches/0011.

Each guest's files are in RAW/console-KERNEL-PART/ (KERNEL with-0011 or
without-0011; PART plain, lines or idle): `counters` ("key value" lines of
tests/lib/results.tcl's record_counters) and, for the round trips,
`latencies_us` (one round trip's microseconds a line).
"""

import glob
import os
import re

from figures import make_figure, make_ratio, read_pairs

# (raw directory's kernel, figure prefix)
KERNELS = [("with-0011", "appliance"), ("without-0011", "without_0011")]
# (raw directory's part, figure name)
ROUNDTRIPS = [("plain", "roundtrip_plain"), ("lines", "roundtrip_3000_lines")]
IDLE = [("cpu_ms_per_s", "idle_cpu", "ms/s"), ("wakeups_per_s", "idle_wakeups", "wakeups/s")]


def read_latencies_ms(path):
    """tests/suites/console-roundtrip.exp's latencies_us, in milliseconds."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [int(line) / 1000.0 for line in f if line.strip()]


def read_samples(counters, prefix, key):
    """PREFIX.N.KEY values of record_counters, in the order of N."""
    found = []
    for k, v in counters.items():
        m = re.fullmatch(re.escape(prefix) + r"\.(\d+)\." + re.escape(key), k)
        if m:
            found.append((int(m.group(1)), float(v)))
    return [v for _, v in sorted(found)]


def read_counters(raw, name):
    path = os.path.join(raw, name, "counters")
    return read_pairs(path) if os.path.exists(path) else None


def add_roundtrip_figures(raw, kernel, prefix, figs, notes):
    for part, name in ROUNDTRIPS:
        counters = read_counters(raw, "console-%s-%s" % (kernel, part))
        if counters is None:
            continue
        latencies = read_latencies_ms(os.path.join(raw, "console-%s-%s" % (kernel, part), "latencies_us"))
        # A suite that gave up (no answer even after an empty line) wrote
        # neither its counters nor its latencies: its figures would lie.
        if "console.1.stalls" not in counters or not latencies:
            notes.append("console round trips (%s, %s) did not finish: see "
                         "build/bench/raw/console-%s-%s/suite.log." % (kernel, part, kernel, part))
            continue
        figs["console.%s.%s" % (prefix, name)] = make_figure(latencies, "ms")
        # Stalls must not happen on the appliance; the peer's are what 0011 fixed.
        goal = ("== 0", lambda v: v == 0) if kernel == "with-0011" else (None, None)
        figs["console.%s.%s_stalls" % (prefix, name)] = make_figure(
            [int(counters["console.1.stalls"])], "stalls of %d" % len(latencies), *goal)


def add_idle_figures(raw, kernel, prefix, figs, notes):
    counters = read_counters(raw, "console-%s-idle" % kernel)
    if counters is None:
        return
    for key, name, unit in IDLE:
        figs["console.%s.%s" % (prefix, name)] = make_figure(read_samples(counters, "idle", key), unit)
    if not read_samples(counters, "idle", "cpu_ms_per_s"):
        notes.append("the idle guest (%s) took no sample: see "
                     "build/bench/raw/console-%s-idle/suite.log." % (kernel, kernel))


def add_console_figures(raw, figs, notes):
    if not glob.glob(os.path.join(raw, "console-*")):
        notes.append("Console stage not run in this run.")
        return
    for kernel, prefix in KERNELS:
        add_roundtrip_figures(raw, kernel, prefix, figs, notes)
        add_idle_figures(raw, kernel, prefix, figs, notes)
    # What patches/0011 costs (or saves): the appliance over its peer.
    base, peer = KERNELS[0][1], KERNELS[1][1]
    for name in [n for _, n in ROUNDTRIPS] + [n for _, n, _ in IDLE]:
        figs["console.%s.ratio_appliance_over_without_0011" % name] = make_ratio(
            figs.get("console.%s.%s" % (base, name)), figs.get("console.%s.%s" % (peer, name)))
