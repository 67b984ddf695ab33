# SPDX-License-Identifier: GPL-2.0
"""scripts/kill-guest.sh, which the runner kills each guest with, on a stand-in guest (a process group of its
own, named in DIR/guest.pid): it is killed, and one that survives SIGKILL
(a ps that always lists it) is named, with exit status 1."""

import os
import subprocess
import tempfile
import time
import unittest

from . import paths
from .fixtures import alive

SCRIPT = paths.KILL_GUEST
# Above the largest pid_max (2^22): a SIGKILL to it reaches no process.
NO_SUCH_GROUP = 4194305


class KillGuestTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = self.tmp.name

    def guest(self, pid):
        with open(os.path.join(self.dir, "guest.pid"), "w") as f:
            f.write("%d\n" % pid)

    def test_no_guest_started(self):
        done = subprocess.run([SCRIPT, self.dir], capture_output=True, text=True)
        self.assertEqual((done.returncode, done.stdout), (0, ""))

    def test_the_whole_group_is_killed(self):
        leader = subprocess.Popen(["sh", "-c", "sleep 300 & sleep 300"], start_new_session=True)
        self.addCleanup(leader.wait)
        time.sleep(0.2)
        self.guest(leader.pid)
        done = subprocess.run([SCRIPT, self.dir], capture_output=True, text=True)
        self.assertEqual((done.returncode, done.stdout), (0, ""))
        leader.wait(timeout=5)
        members = [int(p) for p in os.listdir("/proc") if p.isdigit() and alive(int(p))
                   and open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()[3] == str(leader.pid)]
        self.assertEqual(members, [])

    def test_a_survivor_is_named(self):
        fake = os.path.join(self.dir, "bin")
        os.makedirs(fake)
        with open(os.path.join(fake, "ps"), "w") as f:
            f.write("#!/bin/sh\necho ' %d S'\n" % NO_SUCH_GROUP)
        os.chmod(os.path.join(fake, "ps"), 0o755)
        self.guest(NO_SUCH_GROUP)
        done = subprocess.run([SCRIPT, self.dir, "1"], capture_output=True, text=True,
                              env=dict(os.environ, PATH=fake + ":" + os.environ["PATH"]))
        self.assertEqual((done.returncode, done.stdout), (1, "UML process group %d survived SIGKILL\n" % NO_SUCH_GROUP))


if __name__ == "__main__":
    unittest.main()
