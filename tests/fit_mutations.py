"""Seeded mutations of real FIT files, for the decoder's and the importer's fuzz tests.

Besides flips, cuts and junk, definitions are mutated: a definition spliced under another
local number, duplicated, a field's size or count changed, or a field declared with
another base type than the profile's (heart rate as a float, a timestamp as a string ...).
"""

import random
import struct

# Base type bytes of the FIT protocol: enum, sint8, uint8, sint16, uint16, sint32, uint32,
# string, float32, float64, uint8z, uint16z, uint32z, byte, sint64, uint64, uint64z.
BASE_TYPES = (0x00, 0x01, 0x02, 0x83, 0x84, 0x85, 0x86, 0x07, 0x88, 0x89, 0x0A, 0x8B, 0x8C, 0x0D, 0x8E, 0x8F, 0x90)


# (start, end, is_definition) of the first segment's records, as far as they make sense
def records(data: bytes) -> list[tuple[int, int, bool]]:
    out = []
    sizes: dict[int, int] = {}
    pos, end = data[0], data[0] + struct.unpack_from("<I", data, 4)[0]
    while pos < min(end, len(data)):
        header = data[pos]
        if header & 0xC0 == 0x40:
            if pos + 6 > len(data):
                break
            stop = pos + 6 + 3 * data[pos + 5]
            fields = data[pos + 6 : stop]
            if header & 0x20 and stop < len(data):  # developer fields: a count, then 3 bytes each
                fields += data[stop + 1 : stop + 1 + 3 * data[stop]]
                stop += 1 + 3 * data[stop]
            sizes[header & 0x0F] = sum(fields[i + 1] for i in range(0, len(fields) - 2, 3))
            out.append((pos, stop, True))
        else:
            local = (header >> 5) & 3 if header & 0x80 else header & 0x0F
            if local not in sizes:
                break
            stop = pos + 1 + sizes[local]
            out.append((pos, stop, False))
        if stop > len(data):
            out.pop()
            break
        pos = stop
    return out


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    buf = bytearray(data)
    recs = records(data)
    defs = [r for r in recs if r[2]]
    kinds = ["flip", "truncate", "header", "chain", "junk"] + (
        ["splice_def", "dup_def", "def_length", "retype"] if defs else []
    )
    kind = rng.choice(kinds)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del buf[rng.randrange(len(buf)) :]
    elif kind == "splice_def":
        start, stop, _ = rng.choice(defs)
        copy = bytearray(data[start:stop])
        copy[0] = (copy[0] & 0xF0) | rng.randrange(16)  # under another local number
        at = rng.choice(recs)[0]
        buf[at:at] = copy
    elif kind == "dup_def":
        start, stop, _ = rng.choice(defs)
        buf[stop:stop] = data[start:stop]
    elif kind == "def_length":
        start, stop, _ = rng.choice(defs)
        # a field size, the field count or the developer-field count set to anything
        buf[rng.choice([start + 5, *range(start + 7, stop, 3)])] = rng.randrange(256)
    elif kind == "retype":
        start, stop, _ = rng.choice(defs)
        for at in rng.sample(range(start + 8, stop, 3), min(3, len(range(start + 8, stop, 3)))):
            buf[at] = rng.choice(BASE_TYPES)  # the field's declared base type, its size unchanged
    elif kind == "header":
        buf[rng.choice([0, 4, 5, 6, 7])] = rng.randrange(256)
    elif kind == "chain":
        tail = bytearray(data)
        tail[rng.randrange(len(tail))] = rng.randrange(256)
        buf += tail[: rng.randrange(1, len(tail) + 1)]
    else:
        buf += rng.randbytes(rng.randrange(1, 64))
    return kind, bytes(buf)
