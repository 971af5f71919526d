"""The text of an imported file: UTF-8 (a byte order mark allowed), or one problem naming the
line of the first byte that is not."""

from __future__ import annotations

from bookrdf.errors import Problem, RecordError


def utf8_text(raw: bytes, source: str, message: str) -> str:
    """`raw` decoded; a RecordError at the line of the first bad byte saying `message`."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise RecordError(Problem(source, line, "", message)) from None
