#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# python3 -m harness with tests/ on its path: the one way make and the
# scripts call the harness (its verbs: tests/harness.sh --help). PYTHON,
# when make sets it, is the interpreter itself rather than a version
# manager's shim, which costs half a second a call.
here=$(cd "$(dirname "$0")" && pwd)
PYTHONPATH=$here PYTHONDONTWRITEBYTECODE=1 exec "${PYTHON:-python3}" -m harness "$@"
