# SPDX-License-Identifier: GPL-2.0
"""Unit tests of make bench's boot figures (bench/report.py): the Debian peer and a host it cannot boot on."""

import json
import os
import tempfile
import unittest

import report


class BootFiguresTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.raw = self.tmp.name

    def boot_run(self, names):
        with open(os.path.join(self.raw, 'boot.json'), 'w') as f:
            json.dump({'results': [{'command': n, 'times': [0.5, 0.6]} for n in names]}, f)
        for n in names:
            with open(os.path.join(self.raw, 'boot-%s.times' % n), 'w') as f:
                f.write('300 400\n310 410\n')

    def figures(self):
        figs, notes = {}, []
        report.add_boot_figures(self.raw, figs, notes)
        return figs, notes

    def test_both_peers_give_a_ratio(self):
        self.boot_run(['appliance', 'debian-uml'])
        figs, notes = self.figures()
        self.assertIn('boot.ratio_appliance_over_debian_uml', figs)
        self.assertEqual(notes, [])

    def test_a_peer_that_cannot_run_is_named_not_timed(self):
        self.boot_run(['appliance'])
        with open(os.path.join(self.raw, 'boot-debian-uml.cannot-run'), 'w') as f:
            f.write("Debian's user-mode-linux cannot boot on this host (XSAVE state 11008 bytes)\n")
        figs, notes = self.figures()
        self.assertIn('boot.appliance.to_shell', figs)
        self.assertNotIn('boot.ratio_appliance_over_debian_uml', figs)
        self.assertTrue(any('cannot boot on this host' in n for n in notes), notes)


if __name__ == '__main__':
    unittest.main()
