#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the Flatpak manifest without the runtime (which cannot be downloaded here): it parses,
# pins a stable GNOME runtime, builds the app last with tests on, asks only for the minimal
# permissions, and every downloaded source is pinned by a checksum.
# Usage: check-flatpak.py MANIFEST APP_ID
import json
import os
import re
import sys

path, app_id = sys.argv[1], sys.argv[2]
problems = []
try:
    with open(path, encoding='utf-8') as f:
        m = json.load(f)
except (OSError, ValueError) as e:
    print(f'{path}: {e}', file=sys.stderr)
    sys.exit(1)

def need(cond, message):
    if not cond:
        problems.append(message)

need(m.get('id') == app_id, f'id must be {app_id}')
need(os.path.basename(path) == app_id + '.json', 'the file must be named after the app id')
need(m.get('runtime') == 'org.gnome.Platform', 'runtime must be org.gnome.Platform')
need(m.get('sdk') == 'org.gnome.Sdk', 'sdk must be org.gnome.Sdk')
need(re.fullmatch(r'\d+', str(m.get('runtime-version', ''))) is not None,
     'runtime-version must be a pinned stable release (a number, not master)')
need(m.get('command') == 'datagems', 'command must be datagems')

allowed = {'--share=ipc', '--share=network', '--socket=fallback-x11', '--socket=wayland',
           '--device=dri'}
args = m.get('finish-args', [])
need(isinstance(args, list), 'finish-args must be a list')
for a in args:
    need(a in allowed, f'finish-arg {a} is more than the app needs')
for a in allowed:
    need(a in args, f'finish-arg {a} is missing')
need(len(args) == len(set(args)), 'finish-args has duplicates')

modules = m.get('modules', [])
need(isinstance(modules, list) and modules, 'modules must be a non-empty list')

def check_module(mod, where):
    if isinstance(mod, str):
        return  # a path to another manifest file
    need('name' in mod, f'{where}: module without a name')
    for i, src in enumerate(mod.get('sources', [])):
        if isinstance(src, str):
            continue
        t = src.get('type')
        w = f'{where}/{mod.get("name")}: source {i}'
        if t in ('archive', 'file'):
            if 'url' in src:
                need(re.fullmatch(r'[0-9a-f]{64}', src.get('sha256', '')) is not None,
                     f'{w}: a downloaded {t} needs a sha256')
                need(src['url'].startswith('https://'), f'{w}: url must use https')
            else:
                need('path' in src, f'{w}: {t} needs a url or a path')
        elif t == 'git':
            need('commit' in src or 'tag' in src, f'{w}: git sources must be pinned')
        elif t == 'dir':
            need(os.path.isdir(os.path.join(os.path.dirname(path), src.get('path', ''))),
                 f'{w}: dir path does not exist')
    for sub in mod.get('modules', []):
        check_module(sub, f'{where}/{mod.get("name")}')

for mod in modules:
    check_module(mod, 'modules')

if modules and isinstance(modules[-1], dict):
    app = modules[-1]
    need(app.get('name') == 'datagems', 'the last module must build datagems')
    need(app.get('buildsystem') == 'meson', 'datagems builds with meson')
    need(app.get('run-tests') is True, 'datagems must run its tests (run-tests: true)')

for p in problems:
    print(f'{path}: {p}', file=sys.stderr)
print(f'{path}: ' + ('ok' if not problems else f'{len(problems)} problems'))
sys.exit(1 if problems else 0)
