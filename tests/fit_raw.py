"""A small raw FIT writer for tests: any field with any declared base type, size or value.

garmin-fit-sdk's encoder refuses a field declared with another type than the profile's;
hostile files need exactly that. Written from the FIT protocol (header, definition and
data messages, CRC-16), independent of wearsync's reader.
"""

from __future__ import annotations

import struct

FIT_EPOCH = 631065600
# name: (base type byte, struct format of one item, invalid value)
BASE = {
    "enum": (0x00, "B"),
    "sint8": (0x01, "b"),
    "uint8": (0x02, "B"),
    "sint16": (0x83, "h"),
    "uint16": (0x84, "H"),
    "sint32": (0x85, "i"),
    "uint32": (0x86, "I"),
    "string": (0x07, None),
    "float32": (0x88, "f"),
    "float64": (0x89, "d"),
    "uint8z": (0x0A, "B"),
    "uint16z": (0x8B, "H"),
    "uint32z": (0x8C, "I"),
    "byte": (0x0D, "B"),
    "sint64": (0x8E, "q"),
    "uint64": (0x8F, "Q"),
}
_CRC_TABLE = (
    0x0000,
    0xCC01,
    0xD801,
    0x1400,
    0xF001,
    0x3C00,
    0x2800,
    0xE401,
    0xA001,
    0x6C00,
    0x7800,
    0xB401,
    0x5000,
    0x9C01,
    0x8801,
    0x4400,
)


def crc16(data: bytes, crc: int = 0) -> int:
    """The FIT protocol's CRC (its reference implementation, nibble by nibble)."""
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def field(num: int, base: str, value) -> tuple[int, str, object]:
    """One field: its number, its declared base type, and a value (a list for an array)."""
    return num, base, value


def _encode(base: str, value) -> bytes:
    code, fmt = BASE[base]
    if fmt is None:
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return raw + b"\0"
    items = value if isinstance(value, list | tuple) else [value]
    return struct.pack(f"<{len(items)}{fmt}", *items)


def message(num: int, *fields: tuple[int, str, object]) -> bytes:
    """A definition (local type 0) followed by one data message with `fields`."""
    payloads = [(n, base, _encode(base, value)) for n, base, value in fields]
    definition = struct.pack("<BBBHB", 0x40, 0, 0, num, len(payloads))
    definition += b"".join(struct.pack("<BBB", n, len(raw), BASE[base][0]) for n, base, raw in payloads)
    return definition + b"\x00" + b"".join(raw for _n, _b, raw in payloads)


def fit_file(*messages: bytes) -> bytes:
    """A whole FIT file (14-byte header with its CRC, the messages, the file CRC)."""
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    data = header + body
    return data + struct.pack("<H", crc16(data))


def fit_time(unix: int) -> int:
    return unix - FIT_EPOCH


def activity_file(
    start_unix: int,
    bpms: list[int],
    *,
    offset_s: int | None = 0,
    serial: int = 4242,
    local_timestamp: int | None = None,
    extra: tuple[bytes, ...] = (),
) -> bytes:
    """A plain activity: file_id, one record a second, a session and an activity message.

    `offset_s` is the UTC offset the activity message states (None: no local_timestamp);
    `local_timestamp` overrides the stated local time outright (e.g. 0, as some apps write).
    """
    start = fit_time(start_unix)
    end = start + len(bpms)
    parts = [
        message(
            0,
            field(0, "enum", 4),
            field(1, "uint16", 255),
            field(2, "uint16", 1),
            field(3, "uint32z", serial),
            field(4, "uint32", start),
        )
    ]
    parts += [message(20, field(253, "uint32", start + i), field(3, "uint8", bpm)) for i, bpm in enumerate(bpms)]
    parts += list(extra)
    parts.append(
        message(
            18,
            field(253, "uint32", end),
            field(2, "uint32", start),
            field(5, "enum", 1),
            field(7, "uint32", len(bpms) * 1000),
            field(8, "uint32", len(bpms) * 1000),
            field(11, "uint16", 300),
            field(16, "uint8", 120),
            field(17, "uint8", 150),
        )
    )
    activity = [field(253, "uint32", end)]
    if local_timestamp is not None:
        activity.append(field(5, "uint32", local_timestamp))
    elif offset_s is not None:
        activity.append(field(5, "uint32", end + offset_s))
    parts.append(message(34, *activity))
    return fit_file(*parts)
