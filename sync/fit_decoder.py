"""A fast streaming FIT decoder that yields the same messages as `read_with_fitparse`.

One pass over the bytes, a block of about _BLOCK_BYTES at a time: each definition message is
compiled once (fit_definitions), each data message's position is noted under its definition
and the walk steps over it by its size. At the end of a block, a definition with many messages
in it is decoded as numpy columns (fit_columns: one gather, no Python object per message), the
others one message at a time (one `unpack_from` each); messages outside `nums` are skipped.
A compressed-timestamp header ends the block before it (its time builds on the last full
timestamp) and is decoded alone. Values are raw, with invalid placeholders as None (a mask in
columns), exactly as the contract in `fit_messages` describes.

Where fitparse 1.2.0 and the FIT SDK disagree, the decoder follows fitparse for
anything that decodes (base-type lookup by the whole base-type byte, unknown base
types read as bytes, any non-zero architecture byte meaning big-endian, a record
that runs past the header's data size read to its end) and the SDK where fitparse
gives up: a field whose size is not a multiple of its base type's size (Coros)
is read as uint8 values, as the SDK does, where fitparse stops the file. Fields of
size 0 are left out and developer fields skipped by their size, where fitparse
fails or, for a developer field whose size is not a multiple of its type, loses
its place. Not copied: fitparse also takes the base for compressed timestamps from
a developer field numbered 253.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from operator import itemgetter

import numpy as np

from wearsync.errors import FitError
from wearsync.sync.fit_columns import FitBlock, gather
from wearsync.sync.fit_crc import crc16
from wearsync.sync.fit_definitions import Definition, compile_definition
from wearsync.sync.fit_messages import TIMESTAMP, FitMessage, FitRead

# The messages the importer reads: file_id, session, lap, record, event, activity,
# monitoring, hrv, monitoring_info, hr, set, weight_scale; plus monitoring_hr_data (resting HR)
# and stress_level, which sit in the same all-day files.
WEARSYNC_MESSAGES = frozenset({0, 3, 7, 18, 19, 20, 21, 30, 34, 55, 78, 103, 132, 211, 225, 227})

_HEADER = struct.Struct("<BBHI4s")
_U16 = struct.Struct("<H")
# A definition with at least this many data messages in a block is decoded as columns (numpy's
# set-up for one definition costs about as much as decoding a dozen messages one at a time).
_COLUMNS_FROM = 16
# Bytes of records walked per block: a large file costs only what the consumer keeps.
_BLOCK_BYTES = 1 << 17


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
    warns: list[str] = []
    messages: list[FitMessage] = []
    for block in iter_blocks(data, label, nums, warns):
        messages += block.messages()
    return FitRead(messages, warns, "fast")


def iter_blocks(data: bytes, label: str, nums: frozenset[int] | None, warns: list[str]) -> Iterator[FitBlock]:
    """`read_fast` as a stream of blocks (fit_columns.FitBlock), warnings appended to `warns`.

    A block holds the data messages of about _BLOCK_BYTES of the file: the definitions with many
    messages in it as columns, the others as messages; so a large file costs only what the
    consumer keeps. A FitError is raised before the first block, never after one was yielded.
    """
    n = len(data)
    array = np.frombuffer(data, np.uint8)
    nums = None if nums is None else frozenset(nums)  # hashable: compiled definitions are cached by it
    # The data messages noted since the last block, by definition: their positions (of the record header).
    pending: dict[Definition, list[int]] = {}
    singles: list[tuple[int, FitMessage]] = []  # compressed-timestamp messages, decoded as they come
    seen = 0  # data messages in earlier blocks (skipped ones too)
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
            defs: list[tuple[Definition, list[int]] | None] = [None] * 16
            pending = {}
            acc = 0  # last full timestamp, for compressed-timestamp headers
            while pos < data_end:
                stop = min(data_end, pos + _BLOCK_BYTES)
                inside = min(stop, n)
                while pos < stop:
                    if pos >= n:
                        _truncated(pos, data_end, n)
                    header = data[pos]
                    if header & 0x40 and not header & 0x80:
                        if pos + 6 > n:
                            _truncated(pos, data_end, n)
                        end = pos + 6 + 3 * data[pos + 5]
                        if header & 0x20:
                            if end >= n:
                                _truncated(pos, data_end, n)
                            end += 1 + 3 * data[end]
                        if end > n:
                            _truncated(pos, data_end, n)
                        d = compile_definition(data[pos + 1 : end], header & 0x20 != 0, nums)
                        defs[header & 0x0F] = (d, pending.setdefault(d, []))
                        pos = end
                        continue
                    entry = defs[(header >> 5) & 0x03 if header & 0x80 else header & 0x0F]
                    if entry is None:
                        local = (header >> 5) & 0x03 if header & 0x80 else header & 0x0F
                        raise _Stop(f"data message at byte {pos} uses local message {local}, which is not defined")
                    d, positions = entry
                    end = pos + 1 + d.size
                    if end > n:
                        _truncated(pos, data_end, n)
                    if header & 0x80:
                        # its time builds on the last full timestamp before it: decode what came before
                        block, acc, count = _flush(data, array, pending, singles, acc)
                        seen += count + 1
                        if block is not None:
                            yield block
                            singles = []
                        acc = _compressed(d, data, pos, header, acc, singles)
                    else:
                        positions.append(pos)
                        if end < inside and data[end] == header:
                            # the same definition's messages that follow, stepped over by its size
                            # up to the block's end or a message the file cuts short
                            last, step = min(stop, n - d.size), end - pos
                            run_end = end
                            while run_end < last and data[run_end] == header:
                                run_end += step
                            positions += range(end, run_end, step)
                            end = run_end
                    pos = end
                block, acc, count = _flush(data, array, pending, singles, acc)
                seen += count
                if block is not None:
                    yield block
                    singles = []
            if pos + 2 > n:
                raise _Stop(f"file ends at byte {n} before the file CRC at byte {pos}")
            if crc16(data, seg_start, pos + 2) != 0:
                warns.append(f"{label}: file CRC mismatch over bytes {seg_start}-{pos + 2}; data kept")
            pos += 2
            if pos >= n:
                break
    except _Stop as exc:
        block, _, count = _flush(data, array, pending, singles, 0)
        seen += count
        if not seen:
            raise FitError(f"{label}: no readable FIT data ({exc})") from None
        warns.append(f"{label}: {exc}; kept the {seen} data messages before it")
        if block is not None:
            yield block


def _compressed(d: Definition, data: bytes, pos: int, header: int, acc: int, singles: list) -> int:
    """Decode a compressed-timestamp message into `singles` (if kept); returns the new last full timestamp."""
    if d.keep:
        m = d.decode(data, pos + 1) if d.decode is not None else d.interpret(data, pos + 1)
        if d.has_ts and (ts := m.fields[TIMESTAMP]) is not None:
            acc = ts
        m.fields[TIMESTAMP] = acc = _rebuild(header & 0x1F, acc)
        singles.append((pos, m))
        return acc
    if d.ts is not None:
        st, offset, invalid = d.ts
        ts = st.unpack_from(data, pos + 1 + offset)[0]
        if ts != invalid:
            acc = ts
    return _rebuild(header & 0x1F, acc)


def _flush(
    data: bytes, array: np.ndarray, pending: dict[Definition, list[int]], singles: list, acc: int
) -> tuple[FitBlock | None, int, int]:
    """Decode the data messages noted in `pending` (emptying its lists) into a block with `singles`.

    Returns the block (None if it holds no message), the last full timestamp after its messages
    and how many data messages were noted (skipped ones too).
    """
    columns = []
    count = 0
    latest = (-1, acc)  # (position, value) of the last valid timestamp
    for d, positions in pending.items():
        if not positions:
            continue
        count += len(positions)
        if not d.keep:
            if d.ts is not None:
                st, offset, invalid = d.ts
                for p in reversed(positions):
                    if (ts := st.unpack_from(data, p + 1 + offset)[0]) != invalid:
                        latest = max(latest, (p, ts))
                        break
        elif d.layout is not None and len(positions) >= _COLUMNS_FROM:
            block = gather(array, positions, d.num, d.layout)
            columns.append(block)
            if d.has_ts and (last := block.last_time(TIMESTAMP)) is not None:
                latest = max(latest, last)
        else:
            last = latest
            for p in positions:
                m = d.decode(data, p + 1) if d.decode is not None else d.interpret(data, p + 1)
                singles.append((p, m))
                if d.has_ts and (ts := m.fields[TIMESTAMP]) is not None:
                    last = (p, ts)  # positions rise: the definition's last so far
            latest = max(latest, last)
        positions.clear()
    if not (columns or singles):
        return None, latest[1], count
    singles.sort(key=itemgetter(0))
    return FitBlock(columns, singles), latest[1], count


def _truncated(pos: int, data_end: int, n: int):
    raise _Stop(f"file ends at byte {n}, inside the record at byte {pos} (header promised data up to {data_end})")


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
        if crc and crc != crc16(data, pos, pos + 12):
            warns.append(f"{label}: header CRC mismatch at byte {pos}; data kept")
    return pos + size, pos + size + data_size
