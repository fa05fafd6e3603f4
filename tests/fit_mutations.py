"""Seeded mutations of real FIT files, and the walk of a file's records that finds their targets.

`mutate`, for the decoder's and the importer's fuzz tests: flips, cuts and junk, and
definitions mutated: a definition spliced under another local number, duplicated, a field's
size or count changed, or a field declared with another base type than the profile's (heart
rate as a float, a timestamp as a string ...).

`mutate_stacked`, for bench/fuzz_import.py: one to three stacked of byte flips, byte runs set to
0x00 or 0xFF, truncation, duplicated or removed spans, chained junk, header bytes; and inside
definition messages: a field's declared base type, size or number changed (misaligning the
data, or with every data message of that definition rewritten to match, so the file stays well
formed), the global message number or byte order changed, definitions copied under other local
numbers, a data message put under another definition, and a field's value set to extremes in
every data message. Well-formed mutants get a correct CRC (wearsync's own, sync/fit_crc.py) half
the time.

Either depends only on the data and the seeded Random it is given.
"""

import struct
from dataclasses import dataclass, field
from random import Random

from tests.fit_raw import BASE
from wearsync.sync.fit_crc import crc16

# Base type bytes of the FIT protocol (tests/fit_raw.py's and uint64z), for `mutate`
BASE_TYPES = tuple(code for code, _fmt in BASE.values()) + (0x90,)
# for `mutate_stacked`: the valid ones and some that are not
DECLARED_BASE_TYPES = [code for code, _fmt in BASE.values()] + [0x10, 0x90, 0xFF]
# field numbers worth declaring another field as: timestamp, heart rate, cycles, the monitoring
# counters, local_timestamp, file_id serial/time_created, ...
FIELD_NUMBERS = [253, 3, 2, 4, 5, 6, 0, 1, 19, 24, 26, 27, 29, 31, 32, 33, 34, 35, 36, 37, 38]
GLOBAL_NUMBERS = [0, 18, 19, 20, 21, 23, 34, 55, 103, 225, 227, 211, 297]


@dataclass
class Definition:
    start: int
    stop: int
    local: int
    big_endian: bool
    fields: list[tuple[int, int, int]]  # (offset of the field's 3 bytes in the file, number, size), normal fields
    data_size: int  # normal plus developer fields
    uses: list[int] = field(default_factory=list)  # start of each data message it defines


@dataclass
class Segment:
    header: int  # offset of the FIT file header
    end: int  # offset of the file CRC (end of the records)
    definitions: list[Definition]
    records: list[tuple[int, int]]  # (start, stop) of every record, in order


def walk(data: bytes) -> list[Segment]:
    """The segments of a (possibly chained) FIT file and their records, as far as they make sense."""
    segments = []
    pos = 0
    while pos + 12 <= len(data) and data[pos + 8 : pos + 12] == b".FIT":
        header_size = data[pos]
        end = pos + header_size + struct.unpack_from("<I", data, pos + 4)[0]
        current: dict[int, Definition] = {}
        segment = Segment(pos, end, [], [])
        at = pos + header_size
        limit = min(end, len(data))
        while at < limit:
            head = data[at]
            if head & 0xC0 == 0x40:  # definition message
                if at + 6 > len(data):
                    break
                count = data[at + 5]
                stop = at + 6 + 3 * count
                if stop > len(data):
                    break
                fields = [(at + 6 + 3 * i, data[at + 6 + 3 * i], data[at + 7 + 3 * i]) for i in range(count)]
                size = sum(f[2] for f in fields)
                if head & 0x20:  # developer fields
                    if stop >= len(data):
                        break
                    dev = data[stop]
                    size += sum(data[stop + 2 + 3 * i] for i in range(dev) if stop + 2 + 3 * i < len(data))
                    stop += 1 + 3 * dev
                definition = Definition(at, stop, head & 0x0F, data[at + 2] == 1, fields, size)
                current[definition.local] = definition
                segment.definitions.append(definition)
            else:
                local = (head >> 5) & 3 if head & 0x80 else head & 0x0F
                if local not in current:
                    break
                stop = at + 1 + current[local].data_size
                current[local].uses.append(at)
            if stop > limit:
                break
            segment.records.append((at, stop))
            at = stop
        segments.append(segment)
        if end + 2 <= pos or end + 2 > len(data):
            break
        pos = end + 2
    return segments


def sealed(buf: bytearray, segment: Segment, growth: int) -> bytearray:
    """The first segment's header data size grown by `growth`, its header and file CRCs recomputed."""
    h = segment.header
    size = struct.unpack_from("<I", buf, h + 4)[0] + growth
    struct.pack_into("<I", buf, h + 4, size)
    header_size = buf[h]
    if header_size >= 14 and h + 14 <= len(buf):
        struct.pack_into("<H", buf, h + 12, crc16(buf, h, h + 12))
    end = h + header_size + size
    if end + 2 <= len(buf):
        struct.pack_into("<H", buf, end, crc16(buf, h, end))
    return buf


def records(data: bytes) -> list[tuple[int, int, bool]]:
    """(start, stop, is_definition) of the first segment's records, as far as they make sense."""
    segments = walk(data)
    if not segments:
        return []
    definitions = {d.start for d in segments[0].definitions}
    return [(start, stop, start in definitions) for start, stop in segments[0].records]


def mutate(data: bytes, rng: Random) -> tuple[str, bytes]:
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


def mutate_stacked(data: bytes, rng: Random) -> tuple[str, bytes]:
    """One to three stacked mutations; their names joined with '+'."""
    kinds = []
    for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
        kind, data = _mutate_once(data, rng)
        kinds.append(kind)
    return "+".join(kinds), data


def _mutate_once(data: bytes, rng: Random) -> tuple[str, bytes]:
    if not data:
        return "junk", rng.randbytes(rng.randrange(1, 64))
    # the definition mutations are what real odd files do: weighted up
    kind = rng.choice(
        ["flip", "byte_set", "fill", "truncate", "dup_span", "remove_span", "header", "chain", "junk"]
        + [
            "def_base_type",
            "def_size",
            "def_resize",
            "def_field_num",
            "def_global",
            "def_arch",
            "def_splice",
            "field_values",
            "local_num",
        ]
        * 2
    )
    if kind.startswith(("def_", "field_", "local_")):
        segments = walk(data)
        definitions = [d for d in segments[0].definitions if d.fields] if segments else []
        if definitions:
            return kind, bytes(_mutate_definition(kind, bytearray(data), segments[0], definitions, rng))
        kind = "byte_set"  # no definition found to mutate
    buf = bytearray(data)
    n = len(buf)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "byte_set":
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(n)] = rng.randrange(256)
    elif kind == "fill":
        at, length = rng.randrange(n), rng.randint(1, 64)
        buf[at : at + length] = bytes([rng.choice((0x00, 0xFF))]) * len(buf[at : at + length])
    elif kind == "truncate":
        del buf[rng.randrange(n) :]
    elif kind == "dup_span":
        at, length = rng.randrange(n), rng.randint(1, 256)
        to = rng.choice((at + length, rng.randrange(n + 1)))
        buf[to:to] = data[at : at + length]
    elif kind == "remove_span":
        at = rng.randrange(n)
        del buf[at : at + rng.randint(1, 256)]
    elif kind == "header":
        buf[rng.randrange(min(14, n))] = rng.randrange(256)
    elif kind == "chain":
        tail = bytearray(data)
        tail[rng.randrange(n)] = rng.randrange(256)
        buf += tail[: rng.randrange(1, n + 1)]
    else:
        buf += rng.randbytes(rng.randrange(1, 64))
    return kind, bytes(buf)


def _mutate_definition(
    kind: str, buf: bytearray, segment: Segment, definitions: list[Definition], rng: Random
) -> bytearray:
    d = rng.choice(definitions)
    index = rng.randrange(len(d.fields))
    at, _num, size = d.fields[index]
    growth = 0
    if kind == "def_base_type":  # same size, another declared type: the data stays aligned
        buf[at + 2] = rng.choice(DECLARED_BASE_TYPES) if rng.random() < 0.8 else rng.randrange(256)
    elif kind == "def_size":  # the data that follows is read misaligned
        buf[at + 1] = rng.choice((0, 1, 2, 3, 4, 8, 16, 255, rng.randrange(256)))
    elif kind == "def_field_num":
        buf[at] = rng.choice(FIELD_NUMBERS) if rng.random() < 0.8 else rng.randrange(256)
    elif kind == "def_global":
        struct.pack_into(
            ">H" if d.big_endian else "<H",
            buf,
            d.start + 3,
            rng.choice(GLOBAL_NUMBERS) if rng.random() < 0.8 else rng.randrange(65536),
        )
    elif kind == "def_arch":
        buf[d.start + 2] = rng.choice((0, 1, rng.randrange(256)))
    elif kind == "local_num":  # a data message under another definition
        use = rng.choice([u for definition in definitions for u in definition.uses] or [d.start])
        if buf[use] & 0x80:  # compressed timestamp header: local number in bits 5-6
            buf[use] ^= rng.randrange(1, 4) << 5
        else:
            buf[use] = (buf[use] & 0xF0) | rng.randrange(16)
    elif kind == "def_splice":  # a copy of a definition, elsewhere, maybe under another local number
        copy = bytearray(buf[d.start : d.stop])
        if rng.random() < 0.5:
            copy[0] = (copy[0] & 0xF0) | rng.randrange(16)
        to = rng.choice(segment.records)[0]
        buf[to:to] = copy
        growth = len(copy)
    elif kind == "def_resize":  # a field declared with another size, every data message rewritten to it
        new_size = rng.choice((1, 2, 4, 8, 16, 0, 3, max(1, size * 2), max(1, size // 2)))
        base = rng.choice(DECLARED_BASE_TYPES[:16])
        offset = 1 + sum(f[2] for f in d.fields[:index])
        fill = rng.choice((b"\x00", b"\xff", b"\x7f", None))
        for use in reversed(d.uses):
            old = bytes(buf[use + offset : use + offset + size])
            new = rng.randbytes(new_size) if fill is None else (old + fill * new_size)[:new_size]
            buf[use + offset : use + offset + size] = new
            growth += new_size - size
        buf[at + 1], buf[at + 2] = new_size, base
    elif kind == "field_values":  # extremes in every (or a run of) data message(s) of a definition
        offset = 1 + sum(f[2] for f in d.fields[:index])
        choice = rng.choice(("zero", "ones", "max_signed", "min_signed", "random"))
        uses = d.uses if rng.random() < 0.5 else d.uses[rng.randrange(len(d.uses) or 1) :][: rng.randint(1, 50)]
        for use in uses:
            value = {
                "zero": b"\x00" * size,
                "ones": b"\xff" * size,
                "random": rng.randbytes(size),
                "max_signed": b"\xff" * (size - 1) + b"\x7f",
                "min_signed": b"\x00" * (size - 1) + b"\x80",
            }[choice][:size]
            buf[use + offset : use + offset + size] = value[::-1] if d.big_endian else value
    if rng.random() < 0.5 or growth:
        buf = sealed(buf, segment, growth)
    return buf
