# SPDX-License-Identifier: GPL-2.0
"""scripts/need-packages.sh on hosts unlike this one (Fedora's dnf, Ubuntu
without linux-source-6.12, Debian as a normal user), each faked with a PATH
of its own: every missing package named at once, in that host's words."""

import os
import shutil
import subprocess
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'need-packages.sh')
# What the script itself runs; everything else on the fake PATH is missing.
TOOLS = ('sh', 'sed', 'tr')
WANTED = ('gcc:gcc', 'flex:flex', 'bison:bison', 'linux-source-6.12:/nonexistent/linux-source-6.12.tar.xz',
          'busybox-static:/nonexistent/busybox', 'libc6-dev:/nonexistent/stdio.h', 'expect:expect')


class NeedPackagesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.bin = os.path.join(self.tmp.name, 'bin')
        os.mkdir(self.bin)
        for tool in TOOLS:
            os.symlink(shutil.which(tool), os.path.join(self.bin, tool))
        self.fake('gcc', 'exit 0')
        self.fake('id', 'echo 1000')  # a normal user: nothing is installed

    def fake(self, name, body):
        path = os.path.join(self.bin, name)
        with open(path, 'w') as f:
            f.write('#!/bin/sh\n' + body + '\n')
        os.chmod(path, 0o755)

    def run_script(self):
        p = subprocess.run([os.path.join(self.bin, 'sh'), SCRIPT, 'test', *WANTED], capture_output=True,
                           text=True, env={'PATH': self.bin}, check=False)
        return p.returncode, p.stderr

    def test_debian_names_every_missing_package_at_once(self):
        self.fake('apt-get', 'exit 0')
        self.fake('apt-cache', 'exit 0')
        code, err = self.run_script()
        self.assertEqual(code, 1)
        self.assertIn('sudo apt-get install -y flex bison linux-source-6.12 busybox-static libc6-dev expect', err)
        self.assertNotIn('gcc', err)

    def test_fedora_gets_dnf_names_and_the_ksrc_way(self):
        self.fake('dnf', 'exit 0')
        code, err = self.run_script()
        self.assertEqual(code, 1)
        self.assertIn('sudo dnf install -y flex bison busybox glibc-devel glibc-static expect', err)
        self.assertIn('KSRC=/path/to/linux-6.12 APPLY_PATCHES=1', err)
        self.assertNotIn('linux-source-6.12 ', err.split('KSRC')[0].replace('no linux-source-6.12 package', ''))

    def test_ubuntu_without_linux_source_gets_the_ksrc_way(self):
        self.fake('apt-get', 'exit 0')
        self.fake('apt-cache', 'exit 100')  # apt-cache show: no such package
        code, err = self.run_script()
        self.assertEqual(code, 1)
        self.assertIn('sudo apt-get install -y flex bison busybox-static libc6-dev expect', err)
        self.assertIn('this host has no linux-source-6.12 package', err)

    def test_unknown_package_manager_gets_debian_names(self):
        code, err = self.run_script()
        self.assertEqual(code, 1)
        self.assertIn("missing (Debian's names): flex bison busybox-static libc6-dev expect", err)

    def test_nothing_missing_is_silent(self):
        p = subprocess.run(['sh', SCRIPT, 'test', 'gcc:gcc'], capture_output=True, text=True,
                           env={'PATH': self.bin}, check=False)
        self.assertEqual((p.returncode, p.stderr), (0, ''))


if __name__ == '__main__':
    unittest.main()
