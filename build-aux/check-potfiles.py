#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a file with translatable strings is missing from po/POTFILES.in, or when
# POTFILES.in lists a file that does not exist. Usage: check-potfiles.py SOURCE_ROOT
import os
import re
import sys

root = sys.argv[1]
MARKERS = {
    '.c': re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|g_dngettext|ngettext|g_dpgettext2?)\s*\('),
    '.h': re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|ngettext)\s*\(\s*"'),
    '.ui': re.compile(r'translatable="yes"'),
}
ALWAYS = ('.desktop.in', '.metainfo.xml.in', '.gschema.xml')

listed = []
with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith('#'):
            listed.append(line)

problems = []
for path in listed:
    if not os.path.isfile(os.path.join(root, path)):
        problems.append(f'po/POTFILES.in lists {path}, which does not exist')

needed = []
for top in ('src', 'ui', 'data'):
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
        dirnames[:] = [d for d in dirnames if d not in ('node_modules', 'web')]
        for name in filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            if name.endswith(ALWAYS):
                needed.append(rel)
                continue
            marker = MARKERS.get(os.path.splitext(name)[1])
            if marker is None:
                continue
            with open(full, encoding='utf-8', errors='replace') as f:
                text = f.read()
            # ignore the definitions of the gettext macros themselves
            text = re.sub(r'#\s*define\s+N?C?_\s*\(.*', '', text)
            if marker.search(text):
                needed.append(rel)

for rel in sorted(set(needed)):
    if rel not in listed:
        problems.append(f'{rel} has translatable strings but is missing from po/POTFILES.in')

for p in problems:
    print(p, file=sys.stderr)
print(f'{len(listed)} files listed, {len(set(needed))} need translation'
      + ('' if not problems else f', {len(problems)} problems'))
sys.exit(1 if problems else 0)
