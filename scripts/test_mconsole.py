# SPDX-License-Identifier: GPL-2.0
"""Unit test of scripts/mconsole.py against a fake UML management console."""

import contextlib
import io
import os
import socket
import struct
import tempfile
import threading
import unittest

import mconsole


class FakeGuest(threading.Thread):
    """Answer one request with REPLIES: (err, more, text) packets, as UML does."""

    def __init__(self, path, replies):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.replies, self.request = replies, None

    def run(self):
        packet, sender = self.sock.recvfrom(4096)
        magic, version, size, data = mconsole.REQUEST.unpack(packet)
        self.request = (magic, version, data[:size].decode())
        for err, more, text in self.replies:
            data = text.encode() + b"\0"
            self.sock.sendto(struct.pack("=III", err, more, len(data)) + data, sender)
        self.sock.close()


class MconsoleTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "mconsole")

    def tearDown(self):
        self.tmp.cleanup()

    def test_request_and_a_reply_in_several_packets(self):
        guest = FakeGuest(self.path, [(0, 1, "task:sh state:S\n"), (0, 0, "task:init state:S\n")])
        guest.start()
        err, text = mconsole.ask(self.path, "sysrq t")
        guest.join(5)
        self.assertEqual(guest.request, (mconsole.MAGIC, mconsole.VERSION, "sysrq t"))
        self.assertEqual((err, text), (0, "task:sh state:S\ntask:init state:S\n"))

    def test_an_error_reply_exits_1(self):
        FakeGuest(self.path, [(1, 0, "Sysrq not compiled in")]).start()
        with contextlib.redirect_stdout(io.StringIO()) as out:
            self.assertEqual(mconsole.main(["mconsole.py", self.path, "sysrq", "t"]), 1)
        self.assertEqual(out.getvalue(), "Sysrq not compiled in\n")

    def test_no_guest_exits_1_and_bad_usage_2(self):
        with contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(mconsole.main(["mconsole.py", self.path, "version"]), 1)
            self.assertEqual(mconsole.main(["mconsole.py", self.path]), 2)
        self.assertIn("usage: mconsole.py SOCKET COMMAND", err.getvalue())

    def test_a_reply_that_never_ends_ends_after_a_quiet_second(self):
        FakeGuest(self.path, [(0, 1, "Call Trace:\n"), (0, 1, " schedule\n")]).start()
        self.assertEqual(mconsole.ask(self.path, "stack 36"), (0, "Call Trace:\n schedule\n"))
