# SPDX-License-Identifier: GPL-2.0
"""The quick profile (make test QUICK=1): read it, derive it from make
mutate's measurements, and check that it still catches what the full
suite catches.

tests/mutate/quick-profile lists suites, one per line ('#' starts a comment).
It must hold, for every fault knob a suite of tests/suites/ turns on
(`set_fault KNOB on`), a suite that turns it on; and, for every mutant
make mutate caught, a suite that failed in every run of that mutant.
"""

import itertools
import json
import os
import re

from . import suite_list

SET_FAULT = re.compile(r'^\s*set_fault\s+(\S+)\s+on\b', re.M)


def read_profile(path):
    with open(path) as f:
        return [line.split('#')[0].strip() for line in f if line.split('#')[0].strip()]


def suite_knobs(tests_dir):
    """{suite: set of knobs it turns on on the default kernel} for every
    suite of tests_dir."""
    knobs = {}
    for name in sorted(os.listdir(tests_dir)):
        if name.endswith('.exp'):
            with open(os.path.join(tests_dir, name)) as f:
                text = f.read()
            # "# needs: KASAN=1": the suite skips itself on the default
            # kernel, so it catches nothing there.
            needs = 'needs' in suite_list.parse_headers(text)
            knobs[name[:-4]] = set() if needs else set(SET_FAULT.findall(text))
    return knobs


def static_problems(tests_dir, profile):
    """What the profile misses that needs no guest to see: suites that do
    not exist, knobs no suite of the profile turns on."""
    knobs = suite_knobs(tests_dir)
    problems = ["tests/mutate/quick-profile names '%s', which is no suite of tests/suites/" % s
                for s in profile if s not in knobs]
    covered = set().union(*(knobs.get(s, set()) for s in profile))
    for knob in sorted(set().union(*knobs.values()) - covered):
        users = sorted(s for s, k in knobs.items() if knob in k)
        problems.append("tests/mutate/quick-profile turns no fault knob '%s' on; add one of: %s"
                        % (knob, ' '.join(users)))
    return problems


def catchers(mutant):
    """The suites that failed in every run of a mutant."""
    runs = mutant.get('runs') or []
    if not runs:
        return set()
    sets = [set(r.get('failed_suites') or []) for r in runs]
    return set.intersection(*sets)


def mutant_problems(results, profile):
    """Mutants make mutate caught in every run whose catchers are all
    outside the profile (results: make mutate's results.json)."""
    problems = []
    for m in results.get('mutants', []):
        if m.get('result') != 'caught':
            continue
        every = catchers(m)
        if every and not every & set(profile):
            problems.append("the quick profile misses mutant %s: add one of %s to tests/mutate/quick-profile"
                            % (m['name'], ' '.join(sorted(every))))
        elif not every:
            problems.append("mutant %s was caught in every run but by no one suite every time: "
                            "the quick profile cannot promise it" % m['name'])
    return problems


def suite_seconds(results):
    """Each suite's wall time in the clean run of make mutate."""
    suites = results.get('clean', {}).get('run', {}).get('suites', {})
    return {s: float(v.get('duration_s') or 0) for s, v in suites.items()}


def needs_of(results, tests_dir):
    """{need: suites that meet it}: each mutant caught, each fault knob."""
    needs = {}
    for m in results.get('mutants', []):
        if m.get('result') == 'caught':
            needs['mutant ' + m['name']] = catchers(m)
    for suite, knobs in suite_knobs(tests_dir).items():
        for knob in knobs:
            needs.setdefault('knob ' + knob, set()).add(suite)
    return {need: suites for need, suites in needs.items() if suites}


def derive(results, tests_dir):
    """The profile with the least clean-run wall time that meets every
    need (an exact search over the suites that meet any; greedy by needs
    met per second if there are more than 16). Returns [(suite, needs)]."""
    seconds = suite_seconds(results)
    needs = needs_of(results, tests_dir)
    candidates = sorted(set().union(*needs.values())) if needs else []

    def cost(suites):
        return sum(seconds.get(s, 30.0) for s in suites)

    def covers(suites):
        return all(met & set(suites) for met in needs.values())

    def cheapest_first(combo: tuple[str, ...]) -> tuple[float, int]:
        return cost(combo), len(combo)

    if len(candidates) <= 16:
        combos: list[tuple[str, ...]] = [combo for n in range(len(candidates) + 1)
                                         for combo in itertools.combinations(candidates, n) if covers(combo)]
        cheapest: tuple[str, ...] = min(combos, key=cheapest_first)
        best = list(cheapest)
    else:
        best, left = [], dict(needs)
        while left:
            gain = {s: [n for n, met in left.items() if s in met] for s in candidates}
            pick = max(sorted(gain), key=lambda s: len(gain[s]) / max(seconds.get(s, 30.0), 1.0))
            best.append(pick)
            left = {n: met for n, met in left.items() if pick not in met}
    return [(s, sorted(n for n, met in needs.items() if s in met)) for s in best]


def load_results(path):
    with open(path) as f:
        return json.load(f)
