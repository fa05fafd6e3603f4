"""A fast streaming FIT decoder that yields the same messages as `read_with_fitparse`.

One pass over the bytes: each definition message is compiled once into a
`struct.Struct` (endianness from the definition, unwanted fields padded over),
every data message is one `unpack_from`, and messages outside `nums` are skipped
by their size. Values are raw, with invalid placeholders as None, exactly as the
contract in `fit_messages` describes.

Where fitparse 1.2.0 and the FIT SDK disagree, the decoder follows fitparse for
anything that decodes (base-type lookup by the whole base-type byte, unknown base
types read as bytes, any non-zero architecture byte meaning big-endian, a record
that runs past the header's data size read to its end) and the SDK where fitparse
gives up: a field whose size is not a multiple of its base type's size (Coros)
is read as uint8 values, as the SDK does, where fitparse stops the file.
"""

from __future__ import annotations

import functools
import struct
import sys
from array import array

from fitparse.records import BASE_TYPE_BYTE, BASE_TYPES
from garmin_fit_sdk.fit import BASE_TYPE_DEFINITIONS

from wearsync.errors import FitError
from wearsync.sync.fit_messages import TIMESTAMP, FitMessage, FitRead

# The messages the importer reads: file_id, session, lap, record, event, activity,
# monitoring, hrv, monitoring_info, hr, set; plus monitoring_hr_data (resting HR) and
# stress_level, which sit in the same all-day files.
WEARSYNC_MESSAGES = frozenset({0, 18, 19, 20, 21, 34, 55, 78, 103, 132, 211, 225, 227})

_HEADER = struct.Struct("<BBHI4s")
_U16 = struct.Struct("<H")
_DEF_LITTLE = struct.Struct("<xxHB")
_DEF_BIG = struct.Struct(">xxHB")
_UINT8 = BASE_TYPES[0x02]

# How a field's unpacked items become its value.
_SCALAR, _FLOAT, _ARRAY, _FLOAT_ARRAY, _BYTES, _STRING = range(6)


class _Definition:
    """A compiled definition message: how to size, unpack and clean its data messages."""

    __slots__ = ("num", "size", "keep", "fmt", "plan", "decode", "has_ts", "ts")

    def __init__(self, num, size, keep, fmt, plan, has_ts, ts):
        self.num = num
        self.size = size  # bytes of one data message after its record header
        self.keep = keep
        self.fmt = fmt  # struct format of the whole message, unwanted bytes padded over
        self.plan = plan  # per field: (number, kind, first item, end item, invalid value)
        self.decode = None  # (data, pos) -> fields, generated on first use
        self.has_ts = has_ts  # a kept message's fields hold an integer timestamp
        self.ts = ts  # (Struct, offset, invalid) of a skipped message's timestamp, or None


def _invalid(base) -> int:
    return BASE_TYPE_DEFINITIONS[base.identifier & 0x1F]["invalid"]


def _compile(body: bytes, big: bool, has_dev: bool, nums: frozenset[int] | None) -> _Definition:
    """Compile a definition message's content (the bytes after its record header)."""
    num, n_fields = (_DEF_BIG if big else _DEF_LITTLE).unpack_from(body)
    endian = ">" if big else "<"
    parts = [endian]
    plan = []
    item = offset = 0
    ts = None
    for i in range(5, 5 + 3 * n_fields, 3):
        field, size, base_byte = body[i], body[i + 1], body[i + 2]
        base = BASE_TYPES.get(base_byte, BASE_TYPE_BYTE)
        unit = struct.calcsize(base.fmt)
        if size == 0:
            continue  # holds nothing (fitparse cannot read it at all)
        if size % unit:
            base, unit = _UINT8, 1
        count = size // unit
        if base.fmt == "s":
            parts.append(f"{size}s")
            plan.append((field, _STRING, item, item + 1, None))
            item += 1
        elif base is BASE_TYPE_BYTE:
            parts.append(f"{size}B")
            plan.append((field, _BYTES, item, item + size, None))
            item += size
        else:
            is_float = base.fmt in "fd"
            parts.append(f"{count}{base.fmt}")
            kind = (_FLOAT if is_float else _SCALAR) if count == 1 else (_FLOAT_ARRAY if is_float else _ARRAY)
            plan.append((field, kind, item, item + count, _invalid(base)))
            item += count
        if field == TIMESTAMP:
            ts = (struct.Struct(endian + base.fmt), offset, _invalid(base)) if plan[-1][1] == _SCALAR else None
        offset += size
    if has_dev:
        n_dev = body[5 + 3 * n_fields]
        start = 6 + 3 * n_fields
        dev_size = sum(body[i + 1] for i in range(start, start + 3 * n_dev, 3))
        if dev_size:
            parts.append(f"{dev_size}x")  # developer fields are dropped
        offset += dev_size
    keep = nums is None or num in nums
    return _Definition(num, offset, keep, "".join(parts), plan, keep and ts is not None, None if keep else ts)


def _generate(d: _Definition):
    """Write a definition's decoder as Python source: one dict display, no per-field loop.

    The source holds only numbers taken from the plan (field numbers, item indexes,
    invalid values), never text from the file.
    """
    items = []
    for field, kind, i, j, invalid in d.plan:
        if kind == _SCALAR:
            expr = f"None if (x := v[{i}]) == {invalid} else x"
        elif kind == _FLOAT:
            expr = f"None if (x := v[{i}]) != x else x"  # NaN is the invalid float
        elif kind == _ARRAY:
            expr = f"_ints(v[{i}:{j}], {invalid})"
        elif kind == _FLOAT_ARRAY:
            expr = f"_floats(v[{i}:{j}])"
        elif kind == _BYTES:
            expr = f"_bytes(v[{i}:{j}])"
        else:
            expr = f"_string(v[{i}])"
        items.append(f"{field}: {expr}")  # a repeated field number keeps the last, as in fitparse
    source = f"def decode(data, pos):\n    v = unpack(data, pos)\n    return {{{', '.join(items)}}}\n"
    namespace = {
        "unpack": struct.Struct(d.fmt).unpack_from,
        "_ints": _ints,
        "_floats": _floats,
        "_bytes": _bytes,
        "_string": _string,
    }
    exec(source, namespace)  # noqa: S102 - generated from integers only, see above
    return namespace["decode"]


def _ints(values: tuple, invalid: int) -> tuple:
    return tuple([None if x == invalid else x for x in values]) if invalid in values else values


def _floats(values: tuple) -> tuple:
    return tuple([None if x != x else x for x in values])


def _bytes(values: tuple) -> tuple | None:
    return None if values.count(0xFF) == len(values) else values


def _string(raw: bytes) -> str | None:
    # as fitparse: cut at the first NUL, undecodable bytes become U+FFFD, empty is None
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace") or None


class _Stop(Exception):
    """The data cannot be followed past this point."""


def read_fast(data: bytes, label: str, nums: frozenset[int] | None = None) -> FitRead:
    """Decode FIT bytes into the messages `read_with_fitparse` would give.

    `nums` lists the global message numbers to return (None: all); other messages
    are skipped by size. Chained files are read segment after segment. A truncated
    or corrupt tail, a bad CRC or trailing junk keeps every message decoded before
    it and adds a warning. Raises FitError if the file header is unusable, or if a
    problem stops the data before any data message was read.
    """
    n = len(data)
    messages: list[FitMessage] = []
    warns: list[str] = []
    cache: dict[tuple[int, bytes], _Definition] = {}
    seen = 0  # data messages read, kept or not
    pos = 0
    try:
        while True:
            seg_start = pos
            try:
                pos, data_end = _read_header(data, pos, warns, label)
            except _Stop as exc:
                if seg_start == 0:
                    raise FitError(f"{label}: not a FIT file ({exc})") from None
                raise _Stop(f"{n - seg_start} bytes after the FIT data are not a FIT file ({exc})") from None
            defs: list[_Definition | None] = [None] * 16
            acc = 0  # last full timestamp, for compressed-timestamp headers
            while pos < data_end:
                if pos >= n:
                    _truncated(pos, data_end)
                header = data[pos]
                if header & 0x40 and not header & 0x80:
                    if pos + 6 > n:
                        _truncated(pos, data_end)
                    end = pos + 6 + 3 * data[pos + 5]
                    if header & 0x20:
                        if end >= n:
                            _truncated(pos, data_end)
                        end += 1 + 3 * data[end]
                    if end > n:
                        _truncated(pos, data_end)
                    body = data[pos + 1 : end]
                    key = (header & 0x20, body)
                    compiled = cache.get(key)
                    if compiled is None:
                        compiled = cache[key] = _compile(body, body[1] != 0, header & 0x20 != 0, nums)
                    defs[header & 0x0F] = compiled
                    pos = end
                    continue
                local = (header >> 5) & 0x03 if header & 0x80 else header & 0x0F
                d = defs[local]
                if d is None:
                    raise _Stop(f"data message at byte {pos} uses local message {local}, which is not defined")
                end = pos + 1 + d.size
                if end > n:
                    _truncated(pos, data_end)
                if d.keep:
                    decode = d.decode
                    if decode is None:
                        decode = d.decode = _generate(d)
                    fields = decode(data, pos + 1)
                    if d.has_ts:
                        ts = fields[TIMESTAMP]
                        if ts is not None:
                            acc = ts
                    if header & 0x80:
                        fields[TIMESTAMP] = acc = _rebuild(header & 0x1F, acc)
                    messages.append(FitMessage(d.num, fields))
                else:
                    if d.ts is not None:
                        st, offset, invalid = d.ts
                        ts = st.unpack_from(data, pos + 1 + offset)[0]
                        if ts != invalid:
                            acc = ts
                    if header & 0x80:
                        acc = _rebuild(header & 0x1F, acc)
                seen += 1
                pos = end
            if pos + 2 > n:
                raise _Stop(f"file ends at byte {n} before the file CRC at byte {pos}")
            if _crc16(data, seg_start, pos + 2) != 0:
                warns.append(f"{label}: file CRC mismatch for the FIT data at bytes {seg_start}-{pos + 2}; data kept")
            pos += 2
            if pos >= n:
                break
    except _Stop as exc:
        if not seen:
            raise FitError(f"{label}: no readable FIT data ({exc})") from None
        warns.append(f"{label}: {exc}; kept the {seen} data messages before it")
    return FitRead(messages, warns, "fast")


def _truncated(pos: int, data_end: int):
    raise _Stop(f"data ends inside the record at byte {pos} (the header promised data up to byte {data_end})")


def _rebuild(offset: int, acc: int) -> int:
    """A compressed header's 5-bit time offset made into a full timestamp, as fitparse does."""
    ts = offset + (acc & ~0x1F)
    if offset < (acc & 0x1F):
        ts += 0x20
    return ts


def _read_header(data: bytes, pos: int, warns: list[str], label: str) -> tuple[int, int]:
    """Check the file header at `pos`; return where its records start and end."""
    if pos + 12 > len(data):
        raise _Stop(f"{len(data) - pos} bytes, shorter than a FIT header")
    size, _protocol, _profile, data_size, magic = _HEADER.unpack_from(data, pos)
    if magic != b".FIT":
        raise _Stop("no '.FIT' signature in the header")
    if size < 12 or size == 13:
        raise _Stop(f"header size {size} is neither 12 nor at least 14")
    if pos + size > len(data):
        raise _Stop(f"header of {size} bytes is cut short")
    if size >= 14:
        crc = _U16.unpack_from(data, pos + 12)[0]
        if crc and crc != _crc16(data, pos, pos + 12):
            warns.append(f"{label}: header CRC mismatch at byte {pos}; data kept")
    return pos + size, pos + size + data_size


# CRC-16 of the FIT SDK (polynomial 0x8005 reflected, zero start). A 16-bit register
# takes two bytes per table step; with numpy, many blocks are stepped side by side.
_CRC8 = []
for _i in range(256):
    for _ in range(8):
        _i = (_i >> 1) ^ 0xA001 if _i & 1 else _i >> 1
    _CRC8.append(_i)
_CRC16 = [(_CRC8[x & 0xFF] >> 8) ^ _CRC8[((x >> 8) ^ _CRC8[x & 0xFF]) & 0xFF] for x in range(0x10000)]
_zero_runs: dict[int, tuple[list[int], list[int]]] = {}


@functools.cache
def _numpy():
    """numpy if installed (it arrives with other dependencies), imported on first use."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy, numpy.array(_CRC16, dtype=numpy.intp)


def _crc16(data: bytes, start: int, end: int) -> int:
    """The FIT CRC of data[start:end]; 0 when the range ends with its own correct CRC."""
    length = end - start
    np = _numpy() if length >= 4096 else None
    if np is None:
        return _crc16_python(data, start, end)
    numpy, table = np
    # Split into blocks of `width` 16-bit words, CRC every block from zero at once, then
    # chain them: crc(A + B) = zeros(crc(A), len(B)) ^ crc(B), a linear map on 16 bits.
    width = 32
    while width * width * 16 < length and width < 4096:
        width *= 2
    # leading zero bytes leave a zero-start CRC at zero, so padding in front is free
    padded = bytes(-length % (2 * width)) + memoryview(data)[start:end]
    words = numpy.frombuffer(padded, dtype="<u2").reshape(-1, width)
    crcs = numpy.zeros(words.shape[0], dtype=numpy.intp)
    for j in range(width):
        crcs = table[crcs ^ words[:, j]]
    low, high = _zero_run(width)
    crc = 0
    for block in crcs.tolist():
        crc = low[crc & 0xFF] ^ high[crc >> 8] ^ block
    return crc


def _crc16_python(data: bytes, start: int, end: int) -> int:
    even = end - (end - start) % 2
    words = array("H", data[start:even])
    if sys.byteorder == "big":
        words.byteswap()  # the CRC takes the bytes in file order, low byte first
    table = _CRC16
    crc = 0
    for word in words:
        crc = table[crc ^ word]
    if even != end:
        crc = (crc >> 8) ^ _CRC8[(crc ^ data[even]) & 0xFF]
    return crc


def _zero_run(width: int) -> tuple[list[int], list[int]]:
    """Tables for the effect of `width` zero words on a CRC register (by low and high byte)."""
    if width not in _zero_runs:
        basis = []
        for bit in range(16):
            crc = 1 << bit
            for _ in range(width):
                crc = _CRC16[crc]
            basis.append(crc)

        def apply(value: int, shift: int) -> int:
            out = 0
            for bit in range(8):
                if value >> bit & 1:
                    out ^= basis[bit + shift]
            return out

        _zero_runs[width] = ([apply(v, 0) for v in range(256)], [apply(v, 8) for v in range(256)])
    return _zero_runs[width]
