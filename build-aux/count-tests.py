#!/usr/bin/env python3
"""Counts test cases in meson testlog.json files and prints 'N passed, N failed, N skipped'.

GTest executables speak TAP, so each `ok`/`not ok` line is one case; a test without TAP
output (format check, data validation) counts as one case by its result. A TAP test that
crashed without printing `not ok` still counts as one failure.
"""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')

passed = failed = skipped = 0
missing_logs = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding='utf-8').read().splitlines()
    except OSError:
        missing_logs += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        result = entry.get('result')
        ok = not_ok = skip = 0
        for out in (entry.get('stdout') or '').splitlines():
            m = TAP.match(out)
            if not m:
                continue
            rest = m.group(2)
            if 'SKIP BY REQUEST' in rest.upper():
                continue  # excluded with -s here because it runs as a test of its own
            if '# SKIP' in rest.upper():
                skip += 1
            elif m.group(1) == 'ok' or '# TODO' in rest.upper():
                ok += 1
            else:
                not_ok += 1
        if ok + not_ok + skip == 0:
            if result in ('OK', 'EXPECTEDFAIL'):
                ok = 1
            elif result == 'SKIP':
                skip = 1
            else:
                not_ok = 1
        elif result not in ('OK', 'SKIP', 'EXPECTEDFAIL') and not_ok == 0:
            not_ok = 1
        passed += ok
        failed += not_ok
        skipped += skip
        if result not in ('OK', 'SKIP', 'EXPECTEDFAIL'):
            print(f"FAILED: {entry.get('name')} ({result})", file=sys.stderr)

if missing_logs:
    print(f"{missing_logs} build(s) produced no test log", file=sys.stderr)
    failed += missing_logs
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
