#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make check's driver, as kunit_tool's run_checks.py: run named checks
(shell commands) at once, then report each in the order given, with the
output of those that failed.

usage: run_checks.py NAME COMMAND [NAME COMMAND...]
Exit status: 0 every check passed, 1 one failed, 2 bad usage.
"""

import concurrent.futures
import subprocess
import sys
import textwrap
import time


def run(command: str) -> tuple[int, str, float]:
    t0 = time.monotonic()
    done = subprocess.run(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, text=True, errors="replace")
    return done.returncode, done.stdout, time.monotonic() - t0


def main(argv: list[str]) -> int:
    if not argv or len(argv) % 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    checks = list(zip(argv[0::2], argv[1::2]))
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(checks)) as pool:
        futures = [pool.submit(run, command) for _, command in checks]
        failed = 0
        for (name, command), future in zip(checks, futures):
            code, output, seconds = future.result()
            print("  CHECK   %-64s %s (%.1f s)" % (name, "ok" if code == 0 else "FAILED", seconds), flush=True)
            if code:
                failed += 1
                print("  $ %s\n%s" % (command, textwrap.indent(output.rstrip("\n"), "  > ")), flush=True)
    if failed:
        print("make check: %d of %d checks failed (their output above)" % (failed, len(checks)), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
