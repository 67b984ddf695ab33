#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the bench's raw files into results.json, results.md and the plot's data files.

usage: report.py RAW BENCH

Every figure is the median of its runs, with min and max. A ratio A/B is
median(A)/median(B), bounded by min(A)/max(B) and max(A)/min(B). Figures
whose raw files are missing (a stage not run, or that failed) are left out
and named in the notes.
"""

import glob
import json
import os
import re
import sys

from console_figures import add_console_figures
from figures import make_figure, make_ratio, per_second, read_pairs

# The storms in their tables' order: the first word of each line of bench/storms.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "storms")) as _f:
    STORMS = [line.split()[0] for line in _f if line.strip() and not line.startswith("#")]
# run.sh's meta.txt lines that the notes repeat: waits, others seen, skips.
NOTED_META = ("waited_before", "busy_while", "build_skipped", "others_running", "console_peer_skipped")


def read_rounds(raw, prefix):
    """The "key value" files RAW/PREFIX-N.tsv, one dict per round."""
    return [read_pairs(p) for p in sorted(glob.glob(os.path.join(raw, prefix + "-*.tsv")))]


def read_hyperfine(raw, name):
    """hyperfine's --export-json results, by command name."""
    path = os.path.join(raw, name)
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def add_build_figures(raw, figs, notes):
    cold = read_hyperfine(raw, "build-cold.json")
    if cold:
        figs["build.cold.appliance"] = make_figure(cold["appliance-cold"]["times"], "s")
        figs["build.cold.kunit_run"] = make_figure(cold["kunit-cold"]["times"], "s")
        # kunit.py's own breakdown: configuring + building, without running tests.
        builds, runs = [], []
        log = os.path.join(raw, "kunit-run.log")
        text = open(log).read() if os.path.exists(log) else ""
        for m in re.finditer(r"Elapsed time: ([0-9.]+)s total, ([0-9.]+)s configuring, "
                             r"([0-9.]+)s building, ([0-9.]+)s running", text):
            builds.append(float(m.group(2)) + float(m.group(3)))
            runs.append(float(m.group(4)))
        figs["build.cold.kunit_config_build"] = make_figure(builds, "s")
        figs["build.cold.kunit_exec"] = make_figure(runs, "s")
        if not builds:
            notes.append("KUnit's cold build printed no 'Elapsed time' line: it failed; "
                         "see build/bench/raw/kunit-run.log.")
        m = re.findall(r"Testing complete\. (Ran \d+ tests: [^\n]*)", text)
        if m:
            notes.append("KUnit peer, last run: " + m[-1].strip() + ".")
        # An unpatched 6.12 tree's KUnit dies on a host over 2696 bytes of
        # XSAVE as the appliance would: the peer shares the series' tree.
        notes.append("KUnit peer: kunit.py run --arch=um on the appliance's own tree, with "
                     "the series (patches 0013-0015 size UML's FP state by the host): "
                     "unpatched 6.12, it could not run on a host over 2696 bytes of XSAVE.")
        figs["build.cold.ratio_appliance_over_kunit"] = make_ratio(
            figs["build.cold.appliance"], figs["build.cold.kunit_config_build"],
            "<= 1.0", lambda r: r <= 1.0)
    else:
        notes.append("Cold builds not measured in this run (BENCH_QUICK=1 or build stage not run).")
    incr = read_hyperfine(raw, "build-incremental.json")
    if incr:
        figs["build.incremental.appliance"] = make_figure(incr["appliance-incremental"]["times"], "s")
        figs["build.incremental.kunit"] = make_figure(incr["kunit-incremental"]["times"], "s")
        figs["build.incremental.ratio_appliance_over_kunit"] = make_ratio(
            figs["build.incremental.appliance"], figs["build.incremental.kunit"],
            "<= 1.5", lambda r: r <= 1.5)
    else:
        notes.append("Incremental builds not measured in this run.")


def closing_totals(raw, log_name, what):
    """A note with each run's closing "N passed, N failed" line in LOG_NAME."""
    log = os.path.join(raw, log_name)
    totals = re.findall(r"^\d+ passed, \d+ failed.*$", open(log).read(), re.M) if os.path.exists(log) else []
    return "%s, each run: %s." % (what, "; ".join(totals) if totals else
                                  "no closing totals line, see build/bench/raw/" + log_name)


def add_loop_figures(raw, figs, notes):
    """Edit to verdict after touching mm/mmu_gather.c: make test QUICK=1
    against kunit.py run (bench/loop.sh)."""
    hf = read_hyperfine(raw, "loop.json")
    if not hf:
        notes.append("Edit-to-verdict loop not measured in this run.")
        return
    figs["loop.appliance_quick"] = make_figure(hf["appliance-quick"]["times"], "s")
    figs["loop.kunit_run"] = make_figure(hf["kunit-run"]["times"], "s")
    figs["loop.ratio_appliance_over_kunit"] = make_ratio(
        figs["loop.appliance_quick"], figs["loop.kunit_run"], "<= 1.5", lambda r: r <= 1.5)
    notes.append(closing_totals(raw, "loop.log", "make test QUICK=1"))


def add_coverage_figures(raw, figs, notes):
    """The coverage kernel's cost: its cold build and its suites against the plain kernel's."""
    build = read_hyperfine(raw, "coverage-build.json")
    suite = read_hyperfine(raw, "coverage-suite.json")
    report = read_hyperfine(raw, "coverage-report.json")
    if not suite:
        notes.append("Coverage stage not run (BENCH_STAGES=coverage runs it).")
        return
    if build:
        figs["coverage.build.cold.plain"] = make_figure(build["plain-cold"]["times"], "s")
        figs["coverage.build.cold.coverage"] = make_figure(build["coverage-cold"]["times"], "s")
        figs["coverage.build.cold.ratio_coverage_over_plain"] = make_ratio(
            figs["coverage.build.cold.coverage"], figs["coverage.build.cold.plain"])
        sizes = os.path.join(raw, "coverage-size.txt")
        if os.path.exists(sizes):
            size = {k: float(v) for k, v in read_pairs(sizes).items()}
            figs["coverage.linux_size.plain"] = make_figure([size["plain_linux_bytes"] / 1e6], "MB")
            figs["coverage.linux_size.coverage"] = make_figure([size["coverage_linux_bytes"] / 1e6], "MB")
            figs["coverage.linux_size.ratio_coverage_over_plain"] = make_figure(
                [size["coverage_linux_bytes"] / size["plain_linux_bytes"]], "ratio")
    figs["coverage.suite.make_test"] = make_figure(suite["make-test"]["times"], "s")
    figs["coverage.suite.make_test_coverage"] = make_figure(suite["make-test-coverage"]["times"], "s")
    figs["coverage.suite.ratio_coverage_over_plain"] = make_ratio(
        figs["coverage.suite.make_test_coverage"], figs["coverage.suite.make_test"])
    if report:
        figs["coverage.report"] = make_figure(report["coverage-report"]["times"], "s")
    # hyperfine runs every make test before any make test COVERAGE=1.
    notes.append(closing_totals(raw, "coverage-suite.log", "make test, then make test COVERAGE=1"))


def read_boot_times(raw, name):
    path = os.path.join(raw, "boot-%s.times" % name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [[int(x) for x in line.split()] for line in f if line.strip()]


def add_boot_figures(raw, figs, notes):
    hf = read_hyperfine(raw, "boot.json")
    if not hf:
        notes.append("Boot stage not run.")
        return
    cannot_run = os.path.join(raw, "boot-debian-uml.cannot-run")
    peers = ["appliance"] if os.path.exists(cannot_run) else ["appliance", "debian-uml"]
    if len(peers) == 1:
        with open(cannot_run) as f:
            notes.append(f.read().strip() + ".")
    for name in peers:
        key = name.replace("-", "_")
        times = read_boot_times(raw, name)
        figs["boot.%s.to_ready" % key] = make_figure([t[0] for t in times if t[0] >= 0], "ms")
        goal = ("< 500", lambda v: v < 500) if name == "appliance" else (None, None)
        figs["boot.%s.to_shell" % key] = make_figure([t[1] for t in times], "ms", *goal)
        figs["boot.%s.boot_poweroff_f" % key] = make_figure(
            [t * 1000 for t in hf[name]["times"]], "ms")
    if "debian-uml" in peers:
        figs["boot.ratio_appliance_over_debian_uml"] = make_ratio(
            figs["boot.appliance.to_shell"], figs["boot.debian_uml.to_shell"])


def add_suite_figures(raw, figs, notes):
    hf = read_hyperfine(raw, "suite.json")
    if not hf:
        notes.append("make test not timed in this run.")
        return
    figs["suite.make_test"] = make_figure(hf["make-test"]["times"], "s")
    if "suites" in hf:
        figs["suite.suites_only"] = make_figure(hf["suites"]["times"], "s", "<= 30", lambda r: r <= 30)
    log = os.path.join(raw, "suite.log")
    totals = re.findall(r"^\d+ passed, \d+ failed.*$", open(log).read(), re.M) if os.path.exists(log) else []
    notes.append("make test, each run: " + ("; ".join(totals) if totals else
                 "no closing totals line, see build/bench/raw/suite.log") + ".")


# Window hits a second in rcu mode: issue 14's goal.
HITS_GOAL = (">= 1000", lambda r: r >= 1000)


def add_storm_figures(raw, figs, notes):
    native, guests = read_rounds(raw, "native"), read_rounds(raw, "guest")
    if not guests:
        notes.append("Storm stage not run, or no guest round finished.")
        return
    for s in STORMS:
        def col(rounds, key):
            return [float(r[key]) for r in rounds if key in r]

        def rate(rounds, count_key, scenario):
            return [per_second(r["%s.%s.%s" % (scenario, s, count_key)],
                               r["%s.%s.elapsed_ms" % (scenario, s)])
                    for r in rounds if "%s.%s.elapsed_ms" % (scenario, s) in r]

        n = figs["storms.%s.host_ops_per_s" % s] = make_figure(col(native, "native.%s.ops_per_sec" % s), "ops/s")
        g = figs["storms.%s.guest_ops_per_s" % s] = make_figure(col(guests, "storm-bare.%s.ops_per_sec" % s), "ops/s")
        figs["storms.%s.uml_slowdown_host_over_guest" % s] = make_ratio(n, g)
        figs["storms.%s.guest_under_rcu_walkers_ops_per_s" % s] = make_figure(
            col(guests, "storm-rcu.%s.ops_per_sec" % s), "ops/s")
        figs["storms.%s.tables_freed_per_s" % s] = make_figure(rate(guests, "tables_freed", "walker-rcu"), "tables/s")
        # The cost of the detectors that need no luck: rate without / with them.
        figs["storms.%s.detectors_cost_ratio" % s] = make_ratio(
            make_figure(col(guests, "storm-rcu-nodetectors.%s.ops_per_sec" % s), "ops/s"),
            figs["storms.%s.guest_under_rcu_walkers_ops_per_s" % s],
            "<= 1.2", lambda r: r <= 1.2)
        # The goal of 1000 a second is the fork and overflow storms'; the
        # share says how many of the tables a storm unlinks were held
        # by a walker then, whatever the storm's rate (madvise unlinks ~90/s).
        hits = figs["storms.%s.window_hits_rcu_per_s" % s] = make_figure(
            rate(guests, "window_hits_rcu", "walker-rcu"), "hits/s",
            *(HITS_GOAL if s in ("fork", "overflow") else ()))
        figs["storms.%s.window_hits_per_table_freed" % s] = make_ratio(hits, figs["storms.%s.tables_freed_per_s" % s])
    add_madvise_figures(guests, figs)
    for mode in ["rcu", "irq"]:
        sc = "walker-%s" % mode
        figs["walker.%s.walks_per_s" % mode] = make_figure(
            [per_second(r[sc + ".fork.walks"], r[sc + ".fork.elapsed_ms"]) for r in guests if sc + ".fork.walks" in r],
            "walks/s")
        figs["walker.%s.window_hits_per_s" % mode] = make_figure(
            [per_second(r["%s.fork.window_hits_%s" % (sc, mode)], r[sc + ".fork.elapsed_ms"])
             for r in guests if sc + ".fork.walks" in r], "hits/s",
            *(HITS_GOAL if mode == "rcu" else ()))
    figs["boot.orderly_poweroff"] = make_figure(
        [float(r["guest.poweroff.ms"]) for r in guests if "guest.poweroff.ms" in r], "ms")
    add_gp_figures(guests, figs)


def add_madvise_figures(guests, figs):
    """PT_RECLAIM under rcu walkers: empty PTE tables reclaimed by
    madvise(MADV_DONTNEED) per second (the walker's count by reason), and
    VmPTE after MADV_DONTNEED as a share of VmPTE after touching, from
    /proc/PID/status (no hook of ours)."""
    rounds = [r for r in guests if "walker-rcu.madvise.tables_freed_madvise" in r]
    figs["storms.madvise.tables_reclaimed_per_s"] = make_figure(
        [per_second(r["walker-rcu.madvise.tables_freed_madvise"], r["walker-rcu.madvise.elapsed_ms"])
         for r in rounds], "tables/s")
    key = "storm-rcu.madvise.vmpte_%s_kb"
    figs["storms.madvise.vmpte_left_after_dontneed"] = make_figure(
        [float(r[key % "dontneed"]) / float(r[key % "touched"])
         for r in rounds if float(r.get(key % "touched", 0)) > 0],
        "x", "< 1", lambda v: v < 1)


def add_violation_figures(raw, figs, notes):
    boots = read_rounds(raw, "violation")
    if not boots:
        return
    firsts = [float(b["violation.first_violation_ms"]) for b in boots if "violation.first_violation_ms" in b]
    missed = [f for f in firsts if f < 0]
    if missed:
        notes.append("%d of %d negative-control boots saw no violation within the 3 s storm." % (len(missed), len(firsts)))
    figs["walker.first_violation_skip_grace_period"] = make_figure(
        [f for f in firsts if f >= 0], "ms", "< 1000", lambda v: v < 1000)


def read_gp_buckets(r, prefix):
    """Cumulative (le_us, count) pairs of one walker run, le_inf last as None."""
    out = []
    for k, v in r.items():
        m = re.fullmatch(re.escape(prefix) + r"\.gp_latency_us_le_(\d+|inf)", k)
        if m:
            out.append((None if m.group(1) == "inf" else int(m.group(1)), int(v)))
    return sorted(out, key=lambda p: float("inf") if p[0] is None else p[0])


def quantile_le(buckets, q):
    """The smallest bucket bound at or above quantile Q of a cumulative histogram."""
    total = buckets[-1][1] if buckets else 0
    for le, c in buckets:
        if total and c >= q * total:
            return le
    return None


def add_gp_figures(guests, figs):
    for s in STORMS:
        prefix = "walker-rcu.%s" % s
        mean, p50, p99, mx = [], [], [], []
        for r in guests:
            b = read_gp_buckets(r, prefix)
            count = int(r.get(prefix + ".gp_latency_count", 0))
            if not b or not count:
                continue
            mean.append(int(r[prefix + ".gp_latency_us_sum"]) / count)
            # A bucket bound may pass the largest latency seen: clamp to it.
            mx.append(int(r[prefix + ".gp_latency_us_max"]))
            p50.append(min(quantile_le(b, 0.5), mx[-1]))
            p99.append(min(quantile_le(b, 0.99), mx[-1]))
        figs["gp_latency.%s.mean" % s] = make_figure(mean, "us")
        figs["gp_latency.%s.p50_at_most" % s] = make_figure(p50, "us")
        figs["gp_latency.%s.p99_at_most" % s] = make_figure(p99, "us")
        figs["gp_latency.%s.max" % s] = make_figure(mx, "us")


def write_plot_data(raw, bench, figs):
    """gp-latency.dat: CDF per storm over all rounds; storms.dat: throughput bars."""
    guests = read_rounds(raw, "guest")
    cdfs = {}
    for s in STORMS:
        total = {}
        for r in guests:
            for le, c in read_gp_buckets(r, "walker-rcu.%s" % s):
                if le is not None:
                    total[le] = total.get(le, 0) + c
        n = sum(int(r.get("walker-rcu.%s.gp_latency_count" % s, 0)) for r in guests)
        cdfs[s] = {le: c / n for le, c in total.items()} if n else {}
    bounds = sorted({le for c in cdfs.values() for le in c})
    # Keep one bucket either side of where the curves rise: the rest is 0 or 1.
    rising = [i for i, le in enumerate(bounds) if any(0 < c.get(le, 0) < 1 for c in cdfs.values())]
    if rising:
        bounds = bounds[max(rising[0] - 1, 0):rising[-1] + 2]
    with open(os.path.join(bench, "gp-latency.dat"), "w") as f:
        f.write("le_us label " + " ".join(STORMS) + "\n")
        for le in bounds:
            f.write("%d %s %s\n" % (le, format_us(le),
                                    " ".join("%.6f" % cdfs[s].get(le, float("nan")) for s in STORMS)))
    with open(os.path.join(bench, "storms.dat"), "w") as f:
        f.write("# storm, then median min max ops/s of: host, guest, guest under rcu walkers\n")
        for s in STORMS:
            cols = []
            for key in ["host_ops_per_s", "guest_ops_per_s", "guest_under_rcu_walkers_ops_per_s"]:
                fig = figs.get("storms.%s.%s" % (s, key)) or {"median": float("nan"), "min": float("nan"),
                                                            "max": float("nan")}
                cols += ["%.2f" % fig["median"], "%.2f" % fig["min"], "%.2f" % fig["max"]]
            f.write("%s %s\n" % (s, " ".join(cols)))


def format_us(us):
    """A bucket bound for the plot's axis: 512us, 33ms, 1.0s (no spaces)."""
    if us < 1000:
        return "%dus" % us
    if us < 1000000:
        return "%.3gms" % (us / 1000)
    return "%.2gs" % (us / 1e6)


def format_value(v, unit):
    if unit == "ratio":
        return "%.2f" % v
    if abs(v) >= 100:
        return "%.0f" % v
    return "%.3g" % v


def write_markdown(path, meta, figs, notes):
    lines = ["# make bench results", "",
             "Run %s on %s CPUs (host kernel %s, commit %s%s); load average %s at start, %s at end." % (
                 meta.get("date", "?"), meta.get("host_cpus", "?"), meta.get("host_kernel", "?"),
                 meta.get("commit", "?"), ", BENCH_QUICK=1" if meta.get("quick") == "1" else "",
                 meta.get("loadavg_start", "?"), meta.get("loadavg_end", "?")),
             "Medians of `runs` runs, with min and max; a ratio's bounds come from its parts' extremes.", "",
             "| figure | median | min | max | unit | runs | goal |",
             "|---|---:|---:|---:|---|---:|---|"]
    for key, f in figs.items():
        goal = ""
        if "goal" in f:
            goal = "%s: %s" % (f["goal"], "met" if f["meets_goal"] else "**not met**")
        lines.append("| %s | %s | %s | %s | %s | %d | %s |" % (
            key, format_value(f["median"], f["unit"]), format_value(f["min"], f["unit"]),
            format_value(f["max"], f["unit"]), f["unit"], f["runs"], goal))
    lines += ["", "Notes:", ""] + ["- " + n for n in notes] + [""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: report.py RAW BENCH")
    raw, bench = sys.argv[1], sys.argv[2]
    meta = read_pairs(os.path.join(raw, "meta.txt"))
    figs, notes = {}, []
    add_build_figures(raw, figs, notes)
    add_loop_figures(raw, figs, notes)
    add_boot_figures(raw, figs, notes)
    add_suite_figures(raw, figs, notes)
    add_console_figures(raw, figs, notes)
    add_storm_figures(raw, figs, notes)
    add_violation_figures(raw, figs, notes)
    add_coverage_figures(raw, figs, notes)
    sections = ["build.", "loop.", "boot.", "suite.", "console.", "storms.", "walker.", "gp_latency.", "coverage."]
    figs = dict(sorted(((k, v) for k, v in figs.items() if v is not None),
                       key=lambda kv: [kv[0].startswith(p) for p in sections].index(True)))
    for k in [k for k in meta if k.startswith(NOTED_META) or k.endswith("_failed")]:
        notes.append("%s: %s" % (k, meta[k]))
    with open(os.path.join(bench, "results.json"), "w") as f:
        json.dump({"meta": meta, "figures": figs, "notes": notes}, f, indent=2)
        f.write("\n")
    write_markdown(os.path.join(bench, "results.md"), meta, figs, notes)
    if read_rounds(raw, "guest"):
        write_plot_data(raw, bench, figs)


if __name__ == "__main__":
    main()
