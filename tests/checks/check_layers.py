#!/usr/bin/env python3
"""Checks every #include in src/ against the layer rules of docs/ARCHITECTURE.md.

    check_layers.py [SRC_DIR]

Prints one line per broken rule, "path:line: message", and exits 1 if there is any.

Layers (a folder's first path component under src/):
  common     std only: no project header outside common/, no third-party header
  core       common; std, nlohmann-json and libphonenumber only (no I/O, no framework)
  functions  core, common; std and spdlog
  adapters   core, common (and other adapters); never functions, channels or app
  channels   functions, adapters, core, common (and other channels)
  app        anything; nothing includes app/
"""
import os
import re
import sys

ALLOWED_LAYERS = {
    'common': {'common'},
    'core': {'core', 'common'},
    'functions': {'functions', 'core', 'common'},
    'adapters': {'adapters', 'core', 'common'},
    'channels': {'channels', 'functions', 'adapters', 'core', 'common'},
    'app': {'app', 'channels', 'functions', 'adapters', 'core', 'common'},
}

# Third-party headers a layer may include; None means any. Standard headers ("<string>",
# "<cstdint>") are always allowed: they have no '/' and no '.h'.
ALLOWED_THIRD_PARTY = {
    'common': (),
    'core': ('nlohmann/', 'phonenumbers/'),
    'functions': ('spdlog/',),
    'adapters': None,
    'channels': None,
    'app': None,
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def is_standard(header):
    return '/' not in header and not header.endswith(('.h', '.hpp'))


def check_file(path, rel, errors):
    layer = rel.split('/', 1)[0]
    if layer not in ALLOWED_LAYERS:
        errors.append(f'{rel}:1: {layer}/ is not a layer ({", ".join(sorted(ALLOWED_LAYERS))})')
        return
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, header = m.groups()
            if kind == '"':
                target = header.split('/', 1)[0]
                if '/' not in header:
                    errors.append(f'{rel}:{number}: includes "{header}": write the path from src/')
                elif target not in ALLOWED_LAYERS:
                    errors.append(f'{rel}:{number}: includes "{header}": {target}/ is not a layer')
                elif target not in ALLOWED_LAYERS[layer]:
                    errors.append(f'{rel}:{number}: includes "{header}": {layer}/ may not use '
                                  f'{target}/ (allowed: {", ".join(sorted(ALLOWED_LAYERS[layer]))})')
            else:
                allowed = ALLOWED_THIRD_PARTY[layer]
                if allowed is None or is_standard(header):
                    continue
                if not header.startswith(allowed):
                    errors.append(f'{rel}:{number}: includes <{header}>: {layer}/ may use only the '
                                  'standard library' +
                                  (f' and {", ".join(allowed)}' if allowed else ''))


def check_tree(src):
    errors = []
    for directory, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith(('.h', '.cc')):
                continue
            path = os.path.join(directory, name)
            check_file(path, os.path.relpath(path, src).replace(os.sep, '/'), errors)
    return sorted(errors)


def main(argv):
    src = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'src')
    errors = check_tree(src)
    for e in errors:
        print(e)
    if errors:
        print(f'{len(errors)} include(s) break the layer rules (docs/ARCHITECTURE.md)')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
