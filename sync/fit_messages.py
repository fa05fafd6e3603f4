"""The message stream every FIT reader in wearsync produces, and the fitparse reader.

A reader turns a file's bytes into `FitMessage`s: the global message number and the
message's fields keyed by field number, with *raw* values as stored in the file
(no profile scale or offset applied, no component expansion, no subfield
resolution). Invalid placeholder values (0xFF…, 0x7F…) become None. A compressed
timestamp header yields field 253 with the full rebuilt timestamp, as a normal
timestamp field would. Strings are str; arrays are tuples. Developer fields are
dropped. The importer applies the few scales it needs itself: the profile's
scales are wrong for some fields wearsync reads (monitoring cycles). The fast reader
(fit_decoder) hands a file on in blocks, many messages as numpy columns (fit_columns),
which materialise into exactly these messages.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from wearsync.errors import FitError

TIMESTAMP = 253  # the field number of every message's timestamp
DATA_ENDS_EARLY = "data ends early ("  # how read_with_fitparse's warning about a cut begins
Fields = dict[int, Any]  # a message's raw values by field number, of whatever type the file holds


@dataclass(slots=True)
class FitMessage:
    num: int
    fields: Fields


@dataclass(slots=True)
class FitRead:
    """What a reader got out of one file: its messages and any warnings."""

    messages: list[FitMessage]
    warnings: list[str] = field(default_factory=list)
    reader: str = "fitparse"


def read_with_fitparse(data: bytes, label: str) -> FitRead:
    """Decode with fitparse, the reference reader. Raises FitError if nothing decodes.

    A file whose data fails part-way keeps the messages before the failure and
    reports it as a warning, as long as the header was sound.
    """
    import fitparse
    from fitparse.profile import FIELD_TYPE_TIMESTAMP
    from fitparse.utils import FitCRCError

    messages: list[FitMessage] = []
    warns: list[str] = []
    fitparse.records.DEV_TYPES.clear()  # fitparse keeps developer types from the file before
    with warnings.catch_warnings():
        # fitparse 1.2.0 calls the deprecated datetime.utcfromtimestamp
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="fitparse")
        try:
            ff = fitparse.FitFile(data, check_crc=True)
            try:
                ff.parse()
            except FitCRCError:
                warns.append("file CRC does not match; the data is kept")
                ff = fitparse.FitFile(data, check_crc=False)
            except Exception:  # noqa: BLE001 - reported below, where the messages decode up to it
                ff = fitparse.FitFile(data, check_crc=False)
            for msg in ff.get_messages():
                fields = {}
                for fd in msg.fields:
                    fdef = fd.field_def
                    if fdef is None:
                        # a compressed-timestamp header's rebuilt time has no field_def
                        if fd.field is FIELD_TYPE_TIMESTAMP:
                            fields[TIMESTAMP] = fd.raw_value
                        continue
                    if getattr(fdef, "dev_data_index", None) is not None:
                        continue
                    raw = fd.raw_value
                    if isinstance(raw, list):
                        raw = tuple(raw)
                    fields[fdef.def_num] = raw
                messages.append(FitMessage(msg.mesg_num, fields))
        except Exception as exc:  # fitparse raises bare errors on malformed fields, too
            if not messages:
                raise FitError(f"{label}: not a readable FIT file ({type(exc).__name__}: {exc})") from exc
            warns.append(f"{DATA_ENDS_EARLY}{type(exc).__name__}: {exc}); kept {len(messages)} messages before the cut")
    return FitRead(messages, warns, "fitparse")
