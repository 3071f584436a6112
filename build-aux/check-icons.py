#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the hand-written app icons: both exist, are well-formed SVG, have the sizes GNOME
# expects (128 px scalable, 16 px symbolic), and the symbolic one uses a single flat colour.
import re
import sys
import xml.etree.ElementTree as ET

root, app_id = sys.argv[1], sys.argv[2]
SVG = '{http://www.w3.org/2000/svg}'
failures = []


def check(path, size, symbolic):
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError) as e:
        failures.append(f'{path}: {e}')
        return
    svg = tree.getroot()
    if svg.tag != SVG + 'svg':
        failures.append(f'{path}: root element is {svg.tag}, not svg')
    if svg.get('viewBox') != f'0 0 {size} {size}':
        failures.append(f'{path}: viewBox must be 0 0 {size} {size}')
    if symbolic:
        colours = set()
        for el in svg.iter():
            for attr in ('fill', 'stroke'):
                value = el.get(attr)
                if value and value != 'none':
                    colours.add(value.lower())
            if el.tag in (SVG + 'linearGradient', SVG + 'radialGradient', SVG + 'image'):
                failures.append(f'{path}: symbolic icons must not use {el.tag}')
        if len(colours) > 1:
            failures.append(f'{path}: symbolic icon uses several colours {sorted(colours)}')
    else:
        if not any(re.match(r'#[0-9a-f]{6}', (el.get('fill') or '').lower()) for el in svg.iter()):
            failures.append(f'{path}: no coloured shapes')


check(f'{root}/scalable/apps/{app_id}.svg', 128, False)
check(f'{root}/symbolic/apps/{app_id}-symbolic.svg', 16, True)
for f in failures:
    print(f, file=sys.stderr)
print('icons ok' if not failures else f'{len(failures)} icon problems')
sys.exit(1 if failures else 0)
