"""Many data messages of one definition decoded at once into numpy columns, and blocks of the stream.

The fast reader (fit_decoder) walks a stretch of the file's records and notes where each data
message of each definition starts; a definition with enough messages in the stretch is decoded by
gathering those messages' bytes into one array and viewing it with a structured dtype made from
the definition (its byte order, each field at its offset): every field becomes a column of
decoded values in native byte order, with a mask of the invalid placeholders, and no Python
object per message. `FitBlock` holds such a stretch: its columns and the messages decoded one at
a time, each message with its byte position, so the stream's order can be restored. Whatever
needs the messages themselves (the per-message consumers, the bench's check against fitparse)
materialises them with `FitBlock.pairs`; the values are those the one-message path gives:
invalid placeholders and NaN become None, arrays tuples (see fit_messages).
"""

from __future__ import annotations

import functools
from operator import itemgetter

import numpy as np

from wearsync.sync.fit_messages import FitMessage

# How a field's unpacked items become its value (the decoder's plan uses these too).
SCALAR, FLOAT, ARRAY, FLOAT_ARRAY, BYTES, STRING = range(6)
# struct format characters of the FIT base types, as numpy type codes
_NUMPY_CODES = {
    "b": "i1",
    "B": "u1",
    "h": "i2",
    "H": "u2",
    "i": "i4",
    "I": "u4",
    "q": "i8",
    "Q": "u8",
    "f": "f4",
    "d": "f8",
}


class Layout:
    """A definition's fields as numpy sees them: a structured dtype over one message's bytes
    (made when first used: most definitions never have enough messages in a block)."""

    def __init__(self, endian: str, size: int, fields: list[tuple[int, int, int, str, int, int | None]]):
        # fields: (number, kind, byte offset, struct format character, count, invalid value)
        self.endian = endian
        self.size = size
        self.spec = fields
        self.fields = tuple(
            (number, kind, f"f{k}", invalid) for k, (number, kind, _, _, _, invalid) in enumerate(fields)
        )

    @functools.cached_property
    def dtype(self) -> np.dtype:
        def format_of(kind: int, fmt: str, count: int):
            code = self.endian + _NUMPY_CODES[fmt]
            return (code, (count,)) if kind in (ARRAY, FLOAT_ARRAY, BYTES) else code

        return np.dtype(
            {
                "names": [name for _, _, name, _ in self.fields],
                "formats": [format_of(kind, fmt, count) for _, kind, _, fmt, count, _ in self.spec],
                "offsets": [offset for _, _, offset, _, _, _ in self.spec],
                "itemsize": self.size,
            }
        )


def columnar(kinds: list[int]) -> bool:
    """Whether messages with fields of these kinds can be decoded as columns (strings cannot)."""
    return bool(kinds) and STRING not in kinds


class Column:
    """One field of many messages: decoded values, and where the file holds the invalid placeholder."""

    __slots__ = ("values", "invalid", "kind")

    def __init__(self, values: np.ndarray, invalid: np.ndarray | None, kind: int):
        self.values = values  # (messages,) or (messages, count), native byte order
        # a bool array of the same shape (bytes: one per message), None when no value is invalid
        self.invalid = invalid
        self.kind = kind

    def is_integer(self) -> bool:
        return self.kind == SCALAR

    def python(self) -> list:
        """The values as the one-message path gives them: int/float, None for invalid, tuples for arrays."""
        values = self.values.tolist()
        invalid = self.invalid
        if self.values.ndim == 1 or self.kind == BYTES:
            if self.kind == BYTES:
                values = [tuple(row) for row in values]
            if invalid is not None:
                for i in np.flatnonzero(invalid).tolist():
                    values[i] = None
            return values
        if invalid is not None:
            rows, items = np.nonzero(invalid)
            for i, j in zip(rows.tolist(), items.tolist(), strict=True):
                values[i][j] = None
        return [tuple(row) for row in values]


class FitColumns:
    """Data messages of one definition from one stretch of the file, as columns."""

    __slots__ = ("num", "pos", "fields")

    def __init__(self, num: int, pos: np.ndarray, fields: dict[int, Column]):
        self.num = num
        self.pos = pos  # each message's byte position in the file (of its record header)
        self.fields = fields  # by field number; a repeated field number keeps the last, as in fitparse

    def __len__(self) -> int:
        return len(self.pos)

    def last_time(self, timestamp: int) -> tuple[int, int] | None:
        """(position, value) of the last message whose integer field `timestamp` is valid."""
        column = self.fields[timestamp]
        if column.invalid is None:
            i = len(self.pos) - 1
        else:
            valid = np.flatnonzero(~column.invalid)
            if not len(valid):
                return None
            i = int(valid[-1])
        return int(self.pos[i]), int(column.values[i])

    def messages(self) -> list[FitMessage]:
        keys = list(self.fields)
        num = self.num
        return [
            FitMessage(num, dict(zip(keys, row, strict=True)))
            for row in zip(*(c.python() for c in self.fields.values()), strict=True)
        ]


def gather(data: np.ndarray, positions: list[int], num: int, layout: Layout) -> FitColumns:
    """Decode the data messages of one definition that start at `positions` of `data` (uint8)."""
    pos = np.array(positions, np.int64)
    size = layout.dtype.itemsize
    first = positions[0]
    if positions[-1] - first == (len(positions) - 1) * (size + 1):
        # one run of consecutive messages: a strided view, the record headers stepped over
        rows = np.lib.stride_tricks.as_strided(data[first + 1 :], (len(positions), size), (size + 1, 1))
    else:
        rows = data[(pos + 1)[:, None] + np.arange(size)]
    records = np.ascontiguousarray(rows).view(layout.dtype)[:, 0]
    fields = {}
    for number, kind, name, invalid in layout.fields:
        raw = records[name]
        values = raw.astype(raw.dtype.newbyteorder("="))
        if kind == BYTES:
            bad = (values == invalid).all(axis=1)  # invalid only when every byte is 0xFF
        else:
            bad = np.isnan(values) if kind in (FLOAT, FLOAT_ARRAY) else values == invalid
        fields[number] = Column(values, bad if bad.any() else None, kind)
    return FitColumns(num, pos, fields)


class FitBlock:
    """A stretch of a file's data messages: columns of the definitions with many messages in it,
    the others decoded one at a time as (byte position, message), in file order."""

    __slots__ = ("columns", "singles")

    def __init__(self, columns: list[FitColumns], singles: list[tuple[int, FitMessage]]):
        self.columns = columns
        self.singles = singles

    def pairs(self, taken: list[FitColumns] | tuple = ()) -> list[tuple[int, FitMessage]]:
        """Every message but those of the `taken` columns, with its position, in file order."""
        rest = [c for c in self.columns if not any(c is t for t in taken)]
        if not rest:
            return self.singles
        pairs = list(self.singles)
        for c in rest:
            pairs += zip(c.pos.tolist(), c.messages(), strict=True)
        pairs.sort(key=itemgetter(0))
        return pairs

    def messages(self) -> list[FitMessage]:
        return [m for _, m in self.pairs()]
