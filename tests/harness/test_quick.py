# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the quick profile's checks and its derivation."""

import os
import tempfile
import unittest

from . import quick

def mutant(name, *failed_per_run, result='caught'):
    return {'name': name, 'result': result,
            'runs': [{'failed_suites': list(f)} for f in failed_per_run]}


def results(mutants, seconds):
    return {'mutants': mutants,
            'clean': {'run': {'suites': {s: {'duration_s': t} for s, t in seconds.items()}}}}


class FakeTests:
    """A suites directory with suites that turn knobs on."""

    def __init__(self, suites):
        self.dir = tempfile.TemporaryDirectory()
        for name, text in suites.items():
            with open(os.path.join(self.dir.name, name + '.exp'), 'w') as f:
                f.write(text)

    def __enter__(self):
        return self.dir.name

    def __exit__(self, *exc):
        self.dir.cleanup()


SUITES = {'storm-fork': 'boot_guest\n',
          'fault-a': 'set_fault knob_a on\nset_fault knob_a off\n',
          'fault-a-rare': 'set_fault knob_a on -interval 100\n',
          'fault-b': '  set_fault knob_b on\n',
          'fault-b-kasan': '# needs: KASAN=1\nset_fault knob_b on\n'}


class StaticTest(unittest.TestCase):
    def test_a_missing_knob_is_named_with_its_suites(self):
        with FakeTests(SUITES) as d:
            problems = quick.static_problems(d, ['storm-fork', 'fault-b'])
        self.assertEqual(problems, ["tests/mutate/quick-profile turns no fault knob 'knob_a' on; "
                                    "add one of: fault-a fault-a-rare"])

    def test_a_suite_that_needs_another_kernel_covers_nothing(self):
        with FakeTests(SUITES) as d:
            problems = quick.static_problems(d, ['fault-a', 'fault-b-kasan'])
        self.assertEqual(problems, ["tests/mutate/quick-profile turns no fault knob 'knob_b' on; "
                                    "add one of: fault-b"])

    def test_an_unknown_suite_is_named(self):
        with FakeTests(SUITES) as d:
            problems = quick.static_problems(d, ['fault-a', 'fault-b', 'storm-typo'])
        self.assertEqual(problems, ["tests/mutate/quick-profile names 'storm-typo', which is no suite of tests/suites/"])

    def test_comments_and_blank_lines(self):
        with tempfile.NamedTemporaryFile('w', suffix='profile') as f:
            f.write('# header\n\nstorm-fork   # why\nfault-a\n')
            f.flush()
            self.assertEqual(quick.read_profile(f.name), ['storm-fork', 'fault-a'])


class MutantTest(unittest.TestCase):
    def test_a_catcher_must_fail_in_every_run(self):
        r = results([mutant('m1', ['a', 'b'], ['a'], ['a', 'c'])], {})
        self.assertEqual(quick.mutant_problems(r, ['a']), [])
        self.assertEqual(quick.mutant_problems(r, ['b', 'c']),
                         ['the quick profile misses mutant m1: add one of a to tests/mutate/quick-profile'])

    def test_no_single_catcher(self):
        r = results([mutant('m1', ['a'], ['b'])], {})
        self.assertIn('by no one suite every time', quick.mutant_problems(r, ['a', 'b'])[0])

    def test_flaky_and_survived_mutants_are_make_mutates_failures_not_ours(self):
        r = results([mutant('m1', ['a'], [], result='flaky'), mutant('m2', [], [], result='survived')], {})
        self.assertEqual(quick.mutant_problems(r, ['z']), [])


class DeriveTest(unittest.TestCase):
    def test_cheapest_cover(self):
        r = results([mutant('m1', ['slow', 'fast1'], ['slow', 'fast1']),
                     mutant('m2', ['slow', 'fast2'], ['slow', 'fast2'])],
                    {'slow': 100, 'fast1': 10, 'fast2': 10})
        with FakeTests({'slow': '', 'fast1': '', 'fast2': '', 'fault-b': 'set_fault knob_b on\n'}) as d:
            chosen = [s for s, _ in quick.derive(r, d)]
        self.assertEqual(sorted(chosen), ['fast1', 'fast2', 'fault-b'])

    def test_greedy_past_sixteen_candidates(self):
        # 17 suites that each catch one mutant, and one that catches them all.
        names = ['s%02d' % i for i in range(17)]
        r = results([mutant('m%02d' % i, [n, 'all'], [n, 'all']) for i, n in enumerate(names)],
                    dict({n: 5 for n in names}, all=20))
        with FakeTests({n: '' for n in names + ['all']}) as d:
            chosen = quick.derive(r, d)
        self.assertEqual([s for s, _ in chosen], ['all'])
        self.assertEqual(len(chosen[0][1]), 17)

    def test_one_suite_for_many(self):
        r = results([mutant('m1', ['all', 'x'], ['all']), mutant('m2', ['all'], ['all', 'y'])],
                    {'all': 20, 'x': 15, 'y': 15})
        with FakeTests({'all': '', 'x': '', 'y': ''}) as d:
            self.assertEqual(quick.derive(r, d), [('all', ['mutant m1', 'mutant m2'])])


if __name__ == '__main__':
    unittest.main()
