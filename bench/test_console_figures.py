# SPDX-License-Identifier: GPL-2.0
"""Unit tests of make bench's console figures (bench/console_figures.py)."""

import os
import tempfile
import unittest

import console_figures


class ConsoleFiguresTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.raw = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def guest(self, name, counters, latencies_us=None):
        d = os.path.join(self.raw, name)
        os.makedirs(d)
        with open(os.path.join(d, 'counters'), 'w') as f:
            f.write('seed 1\n' + ''.join('%s %s\n' % kv for kv in counters.items()))
        if latencies_us is not None:
            with open(os.path.join(d, 'latencies_us'), 'w') as f:
                f.write(''.join('%d\n' % us for us in latencies_us))

    def figures(self):
        figs, notes = {}, []
        console_figures.add_console_figures(self.raw, figs, notes)
        return {k: v for k, v in figs.items() if v is not None}, notes

    def test_round_trips_median_and_worst_in_ms(self):
        self.guest('console-with-0011-plain', {'console.1.stalls': 0}, [1000, 30000, 2000])
        figs, notes = self.figures()
        fig = figs['console.appliance.roundtrip_plain']
        self.assertEqual((fig['median'], fig['min'], fig['max'], fig['runs'], fig['unit']),
                         (2.0, 1.0, 30.0, 3, 'ms'))
        self.assertEqual(notes, [])

    def test_a_stall_misses_the_goal_on_the_appliance_only(self):
        self.guest('console-with-0011-lines', {'console.1.stalls': 1}, [1000, 2000])
        self.guest('console-without-0011-lines', {'console.1.stalls': 3}, [1000, 2000])
        figs, _ = self.figures()
        stalls = figs['console.appliance.roundtrip_3000_lines_stalls']
        self.assertEqual((stalls['median'], stalls['unit'], stalls['goal'], stalls['meets_goal']),
                         (1, 'stalls of 2', '== 0', False))
        self.assertNotIn('goal', figs['console.without_0011.roundtrip_3000_lines_stalls'])

    def test_no_stall_meets_the_goal(self):
        self.guest('console-with-0011-plain', {'console.1.stalls': 0}, [1000])
        figs, _ = self.figures()
        self.assertTrue(figs['console.appliance.roundtrip_plain_stalls']['meets_goal'])

    def test_a_suite_that_gave_up_gives_no_figure_and_a_note(self):
        self.guest('console-with-0011-plain', {})
        figs, notes = self.figures()
        self.assertNotIn('console.appliance.roundtrip_plain', figs)
        self.assertEqual(len(notes), 1)
        self.assertIn('console-with-0011-plain/suite.log', notes[0])

    def test_idle_samples_in_order_and_the_ratio(self):
        samples = {'idle.%d.cpu_ms_per_s' % i: v for i, v in [(1, 8.0), (2, 9.0), (10, 10.0)]}
        samples.update({'idle.%d.wakeups_per_s' % i: 100.0 for i in (1, 2, 10)})
        self.guest('console-with-0011-idle', samples)
        self.guest('console-without-0011-idle', {'idle.1.cpu_ms_per_s': 4.5, 'idle.1.wakeups_per_s': 50.0})
        figs, _ = self.figures()
        self.assertEqual(console_figures.read_samples(
            {'idle.10.x': '3', 'idle.2.x': '2', 'idle.1.x': '1', 'other.1.x': '9'}, 'idle', 'x'), [1.0, 2.0, 3.0])
        cpu = figs['console.appliance.idle_cpu']
        self.assertEqual((cpu['median'], cpu['runs'], cpu['unit']), (9.0, 3, 'ms/s'))
        self.assertEqual(figs['console.idle_cpu.ratio_appliance_over_without_0011']['median'], 2.0)
        self.assertEqual(figs['console.idle_wakeups.ratio_appliance_over_without_0011']['median'], 2.0)

    def test_no_peer_no_ratio(self):
        self.guest('console-with-0011-idle', {'idle.1.cpu_ms_per_s': 8.0, 'idle.1.wakeups_per_s': 100.0})
        figs, _ = self.figures()
        self.assertIn('console.appliance.idle_cpu', figs)
        self.assertNotIn('console.idle_cpu.ratio_appliance_over_without_0011', figs)

    def test_stage_not_run(self):
        figs, notes = self.figures()
        self.assertEqual(figs, {})
        self.assertEqual(notes, ['Console stage not run in this run.'])


if __name__ == '__main__':
    unittest.main()
