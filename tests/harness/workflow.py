# SPDX-License-Identifier: GPL-2.0
"""The make commands of a CI workflow (docs/ci/github-actions.yml) checked
against the Makefile: a step that names a target or a variable the
Makefile does not have fails make check, not a CI run."""

import re
import shlex

# "make" and what follows it on a run: line, up to a shell operator.
MAKE_CALL = re.compile(r'(?:^|[;&|(]\s*|\brun:\s*)make\s+([^;&|<>#\n]*)')
ASSIGNMENT = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=')
# A GitHub expression, ${{ matrix.shard }}: one word of the command.
EXPRESSION = re.compile(r'\$\{\{[^}]*\}\}')


def make_calls(workflow_text):
    """[(targets, variables)] of every make command in the workflow's run: lines."""
    calls = []
    for line in workflow_text.splitlines():
        for m in MAKE_CALL.finditer(line):
            targets: list[str] = []
            variables: list[str] = []
            for word in shlex.split(EXPRESSION.sub('EXPR', m.group(1))):
                if word.startswith('-'):
                    continue
                assignment = ASSIGNMENT.match(word)
                (variables if assignment else targets).append(assignment.group(1) if assignment else word)
            calls.append((targets, variables))
    return calls


def makefile_names(makefile_text):
    """(targets, user-facing variables) as the Makefile declares them:
    .PHONY targets, and the variables of its ## lines (make help)."""
    targets: set[str] = set()
    for m in re.finditer(r'^\.PHONY:(.*)$', makefile_text, re.M):
        targets.update(m.group(1).split())
    variables = set(re.findall(r'^## ([A-Z_]+)=', makefile_text, re.M))
    return targets, variables


def undocumented_variables(makefile_text):
    """The variables a user may set (VAR ?= ...) with no '## VAR=DEFAULT:
    meaning' line, which make help prints."""
    _, documented = makefile_names(makefile_text)
    settable = re.findall(r'^([A-Z_]+) \?=', makefile_text, re.M)
    return [v for v in settable if v not in documented]


def problems(workflow_text, makefile_text, name='the workflow'):
    targets, variables = makefile_names(makefile_text)
    found = []
    calls = make_calls(workflow_text)
    if not calls:
        found.append('%s runs no make command' % name)
    for call_targets, call_variables in calls:
        found += ['%s runs make %s: no such target' % (name, t) for t in call_targets if t not in targets]
        found += ['%s sets %s: make has no such variable (make help)' % (name, v)
                  for v in call_variables if v not in variables]
    return found
