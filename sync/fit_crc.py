"""The FIT file CRC (CRC-16 of the FIT SDK), in pure Python for short ranges and with numpy
for long ones."""

from __future__ import annotations

import functools
import sys
from array import array

# CRC-16 of the FIT SDK (polynomial 0x8005 reflected, zero start). A 16-bit register
# takes two bytes per table step; with numpy, many blocks are stepped side by side.
_CRC8 = []
for _i in range(256):
    for _ in range(8):
        _i = (_i >> 1) ^ 0xA001 if _i & 1 else _i >> 1
    _CRC8.append(_i)
_CRC16 = [(_CRC8[x & 0xFF] >> 8) ^ _CRC8[((x >> 8) ^ _CRC8[x & 0xFF]) & 0xFF] for x in range(0x10000)]
_zero_runs: dict[int, tuple[list[int], list[int]]] = {}
# below this many bytes the pure-Python loop costs less than importing numpy (once imported,
# numpy is faster from about a kilobyte on)
_NUMPY_FROM = 65536


@functools.cache
def load_numpy():
    """numpy if installed (it arrives with other dependencies), imported on first use."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy, numpy.array(_CRC16, dtype=numpy.intp)


def crc16(data: bytes, start: int, end: int) -> int:
    """The FIT CRC of data[start:end]; 0 when the range ends with its own correct CRC."""
    length = end - start
    np = load_numpy() if length >= _NUMPY_FROM or (length >= 1024 and "numpy" in sys.modules) else None
    if np is None:
        return crc16_python(data, start, end)
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


def crc16_python(data: bytes, start: int, end: int) -> int:
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
