#!/usr/bin/env python3
"""Converts a pocketsphinx sendump (8-bit quantised mixture weights) to a SphinxTrain
mixture_weights file, which bw needs to accumulate adaptation statistics."""
import math, struct, sys

def main(src, dst):
    data = open(src, 'rb').read()
    pos = 0
    fmt = '<I'
    def u32():
        nonlocal pos, fmt
        v = struct.unpack_from(fmt, data, pos)[0]
        if v > 65536 and fmt == '<I':
            fmt = '>I'
            v = struct.unpack_from(fmt, data, pos)[0]
        pos += 4
        return v
    def rstr():
        nonlocal pos
        n = u32()
        if n == 0:
            return None
        s = data[pos:pos + n - 1].decode()
        pos += n
        return s
    title = rstr()
    hdr = {}
    while True:
        h = rstr()
        if h is None:
            break
        parts = h.split()
        if len(parts) == 2 and parts[1].isdigit():
            hdr[parts[0]] = int(parts[1])
    mixw_shift = hdr.get('mixw_shift', 10)
    n_feat = hdr['feature_count']
    if hdr.get('cluster_count', 0) == 0:
        n_code = u32()
        n_sen = u32()
    else:
        sys.exit('clustered sendump not supported')
    print(f'{title!r} {hdr} codewords {n_code} senones {n_sen}', file=sys.stderr)
    w = [[[0.0] * n_code for _ in range(n_feat)] for _ in range(n_sen)]
    for f in range(n_feat):
        for c in range(n_code):
            row = data[pos:pos + n_sen]
            pos += n_sen
            for s in range(n_sen):
                w[s][f][c] = 1.0001 ** (-(row[s] << mixw_shift))
    assert pos == len(data), (pos, len(data))
    out = bytearray()
    head = b's3\nversion 1.0\n'
    lsb = (len(head) + len(b'endhdr\n')) & 3
    head += (b' ' * (4 - lsb) if lsb else b'') + b'endhdr\n'
    out += head + struct.pack('<i', 0x11223344)
    out += struct.pack('<IIII', n_sen, n_feat, n_code, n_sen * n_feat * n_code)
    vals = []
    for s in range(n_sen):
        for f in range(n_feat):
            tot = sum(w[s][f])
            vals.extend(x / tot for x in w[s][f])
    out += struct.pack('<%df' % len(vals), *vals)
    open(dst, 'wb').write(out)

main(sys.argv[1], sys.argv[2])
