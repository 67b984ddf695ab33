# SPDX-License-Identifier: GPL-2.0
"""Summarize make mutate's runs: which detector caught each mutant, when.

The verbs tests/mutate/mutate.sh calls (tests/harness.sh --help):
  mutate-suites MUTANTS_DIR "SUITE..." NAME...
           the suites that judge these mutants: each one's Suites: line,
           else "SUITE..." (MUTATE_TESTS); their union, one a line
  mutate-run RUN_DIR SUITE...
           one line on one run of the suites
  mutate-report OUT MUTANTS_DIR SUITE...
           the table, OUT/results.json, and the exit status of make mutate;
           SUITE... (MUTATE_TESTS) judge every mutant without a Suites:
           line of its own; the clean run ran them and every mutant's own

It reads what every suite's result directory keeps, RUN_DIR/SUITE/:
`result.json` (the runner's verdict and reason), `counters` ("key value"
lines, where a walker detection time is a key ending in first_*_ms, -1
when it never fired) and, for a failed suite, `console.log`.
"""

import json
import os
import re
import statistics

from . import paths, quick, results
from .facts import CRASH_PATTERNS, read_text
# A time-out is "error", which fails: a hung kernel is caught too.
from .verdict import FAILING

FIRST_KEY = re.compile(r'(^|\.)first_[a-z_]*_ms$')


def first_detection(counters_text):
    """The earliest first_*_ms counter that fired: (key, ms) or None."""
    best = None
    for line in (counters_text or '').splitlines():
        parts = line.split()
        if len(parts) != 2 or not FIRST_KEY.search(parts[0]):
            continue
        try:
            ms = int(parts[1])
        except ValueError:
            continue
        if ms >= 0 and (best is None or ms < best[1]):
            best = (parts[0], ms)
    return best


# Console lines carry printk timestamps (CONFIG_PRINTK_TIME).
STAMP = re.compile(r'^\[\s*([0-9]+\.[0-9]+)\]')
# The walker's own WARN names the function that saw the violation (tw_*).
WALKER_WARN = re.compile(r'WARNING: .* (tw_\w+)\+0x')


def crash_time(console_text):
    """(label, ms) for the first crash report in a console log (the
    harness's crash patterns, or a WARN of the walker's own), timed from
    the walker's last "started" line
    before it; ms is 0 when the kernel broke before the walkers started,
    None when the lines carry no timestamps."""
    started = None
    for line in (console_text or '').replace('\r', '').splitlines():
        stamp = STAMP.match(line)
        if 'table_walker: started' in line:
            started = float(stamp.group(1)) if stamp else None
            continue
        # A WARN is how the walker reports; its counters time it better,
        # but a guest that died afterwards left no counters.
        walker = WALKER_WARN.search(line)
        labels = ([] if not walker else ['walker WARN in ' + walker.group(1)]) + \
            [lbl for lbl, tolerated, regex in CRASH_PATTERNS if not tolerated and regex.search(line)]
        label = labels[0] if labels else None
        if label is None:
            continue
        if not stamp:
            return label, None
        ms = 0 if started is None else max(0, round((float(stamp.group(1)) - started) * 1000))
        return label, ms
    return None


def read_result(suite_dir):
    """The runner's judgement of one suite (result.json, tests/README.md),
    or {} when the suite did not finish."""
    try:
        with open(os.path.join(suite_dir, 'result.json')) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return {}


def summarize_suite(run_dir, suite):
    d = os.path.join(run_dir, suite)
    result = read_result(d)
    verdict = result.get('result', 'missing')
    counters = read_text(os.path.join(d, 'counters'))
    seed = re.search(r'^seed (\S+)$', counters or '', re.M)
    s = {'verdict': verdict, 'seed': seed.group(1) if seed else None,
         'duration_s': result.get('duration_s')}
    hit = first_detection(counters)
    if not hit and verdict in FAILING:
        crash = crash_time(read_text(os.path.join(d, 'console.log')))
        if crash and crash[1] is not None:
            hit = ('console: ' + crash[0], crash[1])
    if hit:
        s['first_key'], s['first_ms'] = hit
    if verdict in FAILING:
        # The runner's reason names a crash report (tests/harness/crash-patterns),
        # a time-out or the first failed check.
        s['reason'] = (result.get('reason') or 'the suite failed').strip()[:160]
    return s


def summarize_run(run_dir, suites):
    """A run is caught if any suite failed; its detector is the earliest
    first_*_ms among the failed suites, else the first failure's reason."""
    per = {s: summarize_suite(run_dir, s) for s in suites}
    failed = [s for s in suites if per[s]['verdict'] in FAILING]
    run = {'caught': bool(failed), 'suites': per, 'failed_suites': failed,
           'detector': None, 'detection_ms': None, 'detected_in': None,
           'complete': all(p['verdict'] != 'missing' for p in per.values())}
    timed = [(per[s]['first_ms'], per[s]['first_key'], s) for s in failed if 'first_ms' in per[s]]
    if timed:
        ms, key, suite = min(timed)
        run.update(detector=key, detection_ms=ms, detected_in=suite)
    elif failed:
        # Numbers (pfns, offsets) differ from run to run; the reason does not.
        reason = re.sub(r'\b(0x)?[0-9a-f]*[0-9][0-9a-f]*\b', 'N', per[failed[0]]['reason'])
        run.update(detector=reason, detected_in=failed[0])
    return run


def describe_run(run):
    if not run['caught']:
        return 'survived' if run['complete'] else 'no verdict (see the run log)'
    when = f", {run['detection_ms']} ms after the walkers started" if run['detection_ms'] is not None else ''
    return f"caught by {run['detector']} in {run['detected_in']}{when}; failed: {' '.join(run['failed_suites'])}"


def patch_field(patch_text, field):
    m = re.search(rf'^{field}: (.*)$', patch_text, re.M)
    return m.group(1).strip() if m else None


def mutant_suites(mutants_dir, name, default):
    """The suites that judge a mutant: its Suites: line, else DEFAULT."""
    text = read_text(os.path.join(mutants_dir, name + '.patch')) or ''
    return (patch_field(text, 'Suites') or '').split() or list(default)


def summarize_mutant(out, mutants_dir, name, runs, suites):
    text = read_text(os.path.join(mutants_dir, name + '.patch')) or ''
    subject = re.search(r'^Subject: (?:\[PATCH\] )?(.*(?:\n .*)*)', text, re.M)
    m = {'name': name,
         'kind': 'real' if name.startswith('real-') else 'synthetic',
         'subject': ' '.join(subject.group(1).split()) if subject else None,
         'story': patch_field(text, 'Story'),
         'upstream': patch_field(text, 'Upstream'),
         'seconds': int((read_text(os.path.join(out, name, 'seconds')) or '0').strip() or 0),
         'runs': []}
    suites = mutant_suites(mutants_dir, name, suites)
    m['suites'] = suites
    if os.path.exists(os.path.join(out, name, 'build-failed')):
        m['result'] = 'build-failed'
        return m
    for r in range(1, runs + 1):
        m['runs'].append(summarize_run(os.path.join(out, name, f'run{r}'), suites))
    caught = sum(r['caught'] for r in m['runs'])
    times = [r['detection_ms'] for r in m['runs'] if r['detection_ms'] is not None]
    detectors = [r['detector'] for r in m['runs'] if r['caught']]
    m['caught_runs'] = caught
    m['median_detection_ms'] = statistics.median(times) if times else None
    m['first_detector'] = max(set(detectors), key=detectors.count) if detectors else None
    if not all(r['complete'] for r in m['runs']):
        m['result'] = 'error'
    elif caught == len(m['runs']):
        m['result'] = 'caught'
    elif caught == 0:
        m['result'] = 'survived'
    else:
        m['result'] = 'flaky'
    return m


def print_table(mutants, clean):
    rows = [('mutant', 'caught', 'first detector (most runs)', 'median ms', 'result')]
    for m in mutants:
        runs = len(m['runs'])
        ms = m.get('median_detection_ms')
        rows.append((m['name'],
                     f"{m.get('caught_runs', 0)}/{runs}" if runs else '-',
                     (m.get('first_detector') or '-')[:60],
                     '-' if ms is None else f'{ms:g}',
                     m['result']))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print('  '.join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if i == 0:
            print('  '.join('-' * w for w in widths))
    print(f"clean run: {'passed' if clean['passed'] else 'FAILED: ' + ' '.join(clean['failed_suites'])}")


def report(out, mutants_dir, suites, profile=paths.QUICK_PROFILE):
    names = (read_text(os.path.join(out, 'plan')) or '').split()
    runs = int((read_text(os.path.join(out, 'runs')) or '1').strip())
    mutants = [summarize_mutant(out, mutants_dir, n, runs, suites) for n in names]
    # The clean run ran every suite that judges a mutant of this run.
    clean_suites = sorted(set().union(*(m['suites'] for m in mutants))) if mutants else list(suites)
    clean_run = summarize_run(os.path.join(out, 'clean', 'run1'), clean_suites)
    # The clean run passes when no suite failed (an expected failure is a pass).
    clean = {'passed': not clean_run['caught'] and clean_run['complete'],
             'failed_suites': clean_run['failed_suites'], 'run': clean_run}
    result = {'suites': clean_suites, 'runs': runs,
              'seconds': int((read_text(os.path.join(out, 'seconds')) or '0').strip() or 0),
              'mutants': mutants, 'clean': clean}
    results.write_atomically(os.path.join(out, 'results.json'), json.dumps(result, indent=2) + '\n')
    print_table(mutants, clean)
    counts = {k: sum(m['result'] == k for m in mutants)
              for k in ('caught', 'flaky', 'survived', 'build-failed', 'error')}
    print(', '.join(f'{v} {k}' for k, v in counts.items()) + f"; results: {os.path.join(out, 'results.json')}")
    misses = quick_profile_misses(result, clean_suites, quick.read_profile(profile))
    ok = counts['caught'] == len(mutants) and clean['passed'] and not misses
    return 0 if ok else 1


def quick_profile_misses(result, suites, profile):
    """The quick profile must catch every mutant these runs caught; it is
    judged on the suites it shares with MUTATE_TESTS."""
    if not set(profile) & set(suites):
        print('quick profile: not checked, it shares no suite with MUTATE_TESTS')
        return []
    misses = quick.mutant_problems(result, profile)
    for m in misses:
        print('quick profile: ' + m)
    if not misses:
        print('quick profile (tests/mutate/quick-profile): catches every mutant caught here')
    return misses
