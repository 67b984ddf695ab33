#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one command to a UML guest's management console and print the reply.

usage: mconsole.py SOCKET COMMAND...   (e.g. SOCKET sysrq t)

SOCKET is the path UML prints at boot ("mconsole (version 2) initialized
on ..."). The protocol is arch/um/drivers/mconsole.h: one datagram
request, replies of up to 512 bytes until one says no more follows (or,
as UML 6.12's "stack PID" never says so, until 0.5 s without one).
Exit status: 0, 1 if the guest answered with an error or not within
10 s, 2 on bad usage.
"""

import os
import socket
import struct
import sys
import tempfile

MAGIC = 0xCAFEBABE
VERSION = 2
MAX_DATA = 512
REQUEST = struct.Struct("=III%ds" % MAX_DATA)   # magic, version, len, data
REPLY_HEAD = struct.Struct("=III")              # err, more, len
WAIT_S = 10
QUIET_S = 0.5   # once a reply has begun: silence this long ends it


def ask(path, command):
    """Return (err, text) of COMMAND's reply from the mconsole at PATH."""
    data = command.encode()
    if len(data) >= MAX_DATA:
        raise ValueError("command longer than %d bytes" % (MAX_DATA - 1))
    with tempfile.TemporaryDirectory() as tmp, \
            socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        # The guest replies to the request's sender: it needs an address.
        sock.bind(os.path.join(tmp, "reply"))
        sock.settimeout(WAIT_S)
        sock.sendto(REQUEST.pack(MAGIC, VERSION, len(data), data), path)
        text, more, err = b"", 1, 0
        while more:
            try:
                packet = sock.recv(REPLY_HEAD.size + MAX_DATA)
            except socket.timeout:
                if not text:
                    raise
                break       # "stack PID" on 6.12 never sends its last reply
            err, more, size = REPLY_HEAD.unpack_from(packet)
            text += packet[REPLY_HEAD.size:REPLY_HEAD.size + size].rstrip(b"\0")
            sock.settimeout(QUIET_S)
        return err, text.decode(errors="replace")


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: mconsole.py SOCKET COMMAND...\n")
        return 2
    try:
        err, text = ask(argv[1], " ".join(argv[2:]))
    except socket.timeout:
        sys.stderr.write("mconsole.py: no reply from %s within %d s\n" % (argv[1], WAIT_S))
        return 1
    except (OSError, ValueError) as e:
        sys.stderr.write("mconsole.py: %s: %s\n" % (argv[1], e))
        return 1
    sys.stdout.write(text)
    if text and not text.endswith("\n"):
        sys.stdout.write("\n")
    return 1 if err else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
