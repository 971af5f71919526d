"""Read canonical records (YAML, JSON, JSON Lines) into Books, with file, line and field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
import yaml

from bookrdf.errors import InputError, Problem, RecordError, RecordErrors
from bookrdf.model import Book, book_from_dict, book_to_dict, nearest_line
from bookrdf.record_yaml import TOO_DEEP, BaseLoader, field_lines, parse_yaml

if TYPE_CHECKING:
    import jsonschema

RECORD_SUFFIXES = {".yaml", ".yml", ".json", ".jsonl", ".ndjson"}


@cache
def record_schema() -> dict[str, Any]:
    """The JSON Schema of a record, as shipped in the package."""
    text = resources.files("bookrdf").joinpath("record.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    # imported here: it takes 0.1 s to import, and words only the records fastjsonschema rejects
    import jsonschema

    return jsonschema.Draft202012Validator(record_schema())


@cache
def _fast_check() -> Any:
    """The schema compiled to Python by fastjsonschema: fifty times faster than jsonschema,
    which then only runs for the records it rejects, to say every problem in its words. (The
    schema uses nothing beyond draft 7; a test checks both agree on every fixture.)"""
    return fastjsonschema.compile(record_schema())


def conforms_to_schema(data: Any) -> bool:
    """Whether a record conforms to the record schema (the fast check)."""
    try:
        _fast_check()(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def read_records(path: Path) -> Iterator[Book]:
    """Every book in one record file, lazily for JSON Lines."""
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        yield from _read_json_lines(path)
        return
    text = _read_text(path)
    if path.suffix.lower() == ".json":
        data, lines = _parse_json(text, str(path))
        yield parse_record(data, str(path), lines)
        return
    problems: list[Problem] = []
    documents = parse_yaml(text, str(path))
    while True:  # each record is checked, as in JSON Lines; YAML that breaks off ends the file
        try:
            data, lines = next(documents)
            yield parse_record(data, str(path), lines)
        except StopIteration:
            break
        except RecordError as err:
            problems.extend(err.problems)
    if problems:
        raise RecordErrors(problems)


def parse_record(
    data: Any, source: str, lines: Mapping[str, int] | None = None, text: str | None = None
) -> Book:
    """Check one record against the schema and the field rules; raise every problem at once.

    `text`: the JSON the record was parsed from, when there is one (a quicker look for bad
    characters)."""
    lines = lines or {}
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise RecordError(
            Problem(source, lines.get(""), "", f"the record is {kind}, not a mapping of fields")
        )
    problems = []
    if not conforms_to_schema(data):
        problems = [_schema_problem(e, source, lines) for e in _validator().iter_errors(data)]
    if _json_may_hold_bad_characters(text) if text is not None else _may_hold_bad_characters(data):
        problems += _bad_characters(data, source, lines)
    if problems:
        raise RecordErrors(sorted(problems, key=lambda p: (p.line or 0, p.field)))
    return book_from_dict(data, source, lines)


# Characters no RDF text should carry: C0 controls but tab and newlines, DEL, C1 controls
# (U+0080-U+009F: Windows-1252 quotes and dashes read as ISO-8859-1, never meant), lone
# surrogates (which cannot even be written as UTF-8) and Unicode noncharacters.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


# What those characters become in json.dumps' output (controls escaped, the others as they are);
# a match may be a false alarm (an escaped backslash before a "b"), which the walk then clears.
_MAYBE_FORBIDDEN = re.compile(
    r"\\u00(?:0[0-8bef]|1[0-9a-f])|\\[bf]|[\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


# The same characters in JSON source text: raw, or escaped (\uXXXX in either case, \b, \f). The
# escaped ones also flag allowed ones (\u0009, surrogate pairs, an escaped backslash before a
# "b"), which the walk then clears. Two searches: a character class alone is scanned 3x faster.
_JSON_RAW_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_JSON_ESCAPED_FORBIDDEN = re.compile(
    r"\\(?:[bf]|u(?:00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}"
    r"|[fF][dD][dDeE][0-9a-fA-F]|[fF]{3}[eEfF]))"
)


# The longest text a record field may hold. Oxigraph reads a term of at most 16 MiB, and a
# character takes at most 4 bytes of UTF-8 (an escape 2): no literal this long makes a dump it
# refuses.
MAX_TEXT = 4_000_000


def _json_may_hold_bad_characters(text: str) -> bool:
    """The quick look of `_may_hold_bad_characters`, on the JSON text a record was read from."""
    if len(text) > MAX_TEXT or _JSON_RAW_FORBIDDEN.search(text) is not None:
        return True
    return "\\" in text and _JSON_ESCAPED_FORBIDDEN.search(text) is not None


def _may_hold_bad_characters(data: Any) -> bool:
    """A quick look at the whole record at once (json's C encoder, one regex search), so that
    the value-by-value walk runs only for the rare record that may hold a bad character."""
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return True
    return len(text) > MAX_TEXT or _MAYBE_FORBIDDEN.search(text) is not None


def _bad_characters(
    value: Any, source: str, lines: Mapping[str, int], path: str = ""
) -> list[Problem]:
    """Every text value holding a character that has no place in metadata, or too long."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            message = (
                f"is {len(value):,} characters long; a text may have up to {MAX_TEXT:,} "
                "(RDF stores refuse longer terms): shorten it"
            )
            return [Problem(source, nearest_line(lines, path), path, message)]
        found = _FORBIDDEN.search(value)
        if not found:
            return []
        code = f"U+{ord(found.group()):04X}"
        message = f"contains the character {code} at position {found.start() + 1}; remove it"
        if 0x80 <= ord(found.group()) <= 0x9F:
            message += (
                " (a C1 control: most often a Windows-1252 quote or dash read in another "
                "encoding; write the character meant)"
            )
        return [Problem(source, nearest_line(lines, path), path, message)]
    if isinstance(value, dict):
        return [
            problem
            for key, item in value.items()
            for problem in _bad_characters(
                item, source, lines, f"{path}.{key}" if path else str(key)
            )
        ]
    if isinstance(value, list):
        return [
            problem
            for index, item in enumerate(value)
            for problem in _bad_characters(item, source, lines, f"{path}[{index}]")
        ]
    return []


def dump_record(book: Book) -> str:
    """A book as a canonical YAML record."""
    return yaml.safe_dump(
        book_to_dict(book), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


def _read_text(path: Path) -> str:
    return "".join(line for _, line in _numbered_lines(path))


@dataclass(frozen=True)
class RecordLine:
    """One line of a JSON Lines file, read but not parsed: worker processes parse it."""

    source: str
    number: int
    text: str


def json_lines(path: Path) -> Iterator[RecordLine]:
    """The non-blank lines of a JSON Lines file, streamed (RecordError when not UTF-8)."""
    for number, line in _numbered_lines(path):
        if line.strip():
            yield RecordLine(str(path), number, line)


def parse_line(line: RecordLine) -> Book:
    """The book on one JSON Lines line; RecordError says what is wrong with it."""
    try:
        data = strict_json(line.text)
    except JsonProblem as err:
        raise RecordError(Problem(line.source, line.number, err.key, str(err))) from None
    return parse_record(data, line.source, {"": line.number}, line.text)


def _read_json_lines(path: Path) -> Iterator[Book]:
    """Each line a book, streamed; good ones are yielded (so later checks, such as duplicate
    ids, still see them), then every bad line is reported at once."""
    problems: list[Problem] = []
    for line in json_lines(path):
        try:
            book = parse_line(line)
        except RecordError as err:
            problems.extend(err.problems)
            continue
        yield book
    if problems:
        raise RecordErrors(problems)


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a UTF-8 file, one at a time, so JSON Lines of any size stream."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give a record file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            yield number, line_text(path, number, raw)


def line_text(path: Path, number: int, raw: bytes) -> str:
    """Line `number` of a UTF-8 file, past a byte order mark (`cat a.jsonl b.jsonl` joins two)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordError(
            Problem(str(path), number, "", "is not UTF-8 text; save the file as UTF-8")
        ) from None
    return text.removeprefix("\ufeff")


def _parse_json(text: str, source: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    try:
        data = strict_json(text)
    except JsonProblem as err:
        line = first_line + err.line - 1
        raise RecordError(Problem(source, line, err.key, str(err))) from None
    if first_line != 1:
        return data, {"": first_line}
    # JSON has no positions of its own; JSON is YAML, so YAML's composer gives field lines.
    try:
        return data, field_lines(yaml.compose(text, Loader=BaseLoader))
    except (yaml.YAMLError, RecursionError):
        return data, {"": 1}


class JsonProblem(ValueError):
    """What is wrong with a JSON text: a message, its line (1 when the reader cannot say) and
    the key it is about, if any."""

    def __init__(self, message: str, line: int = 1, key: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.key = key


def strict_json(text: str) -> Any:
    """JSON as the standard defines it (JsonProblem otherwise). Python's reader also takes NaN
    and Infinity, keeps the last of two equal keys unseen, and fails with a bare ValueError on a
    number of over 4,300 digits."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constant,
            parse_int=_whole_number,
        )
    except RecursionError:
        raise JsonProblem(TOO_DEEP) from None
    except json.JSONDecodeError as err:
        raise JsonProblem(
            f"is not valid JSON: {err.msg} (column {err.colno})", err.lineno
        ) from None
    except _OutsideJson as err:
        found = re.search(err.pattern, text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        raise JsonProblem(str(err), line, err.key) from None


class _OutsideJson(ValueError):
    """A value JSON's reader met; `pattern` finds it in the text (the reader gives no line)."""

    def __init__(self, message: str, pattern: str, key: str = "") -> None:
        super().__init__(message)
        self.pattern = pattern
        self.key = key


def _no_constant(name: str) -> Any:
    message = f"is not valid JSON: {name} is not a JSON value; write a number or text"
    raise _OutsideJson(message, r"[:\[,]\s*" + re.escape(name) + r"\b")


_MAX_DIGITS = 4300  # Python's limit for reading a whole number (sys.get_int_max_str_digits)


def _whole_number(digits: str) -> int:
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        message = f"has a number of {len(digits):,} digits; no field takes one"
        raise _OutsideJson(message, re.escape(digits[:100]))
    return int(digits)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:  # json.loads would keep the last value and drop the first unseen
            pattern = re.escape(json.dumps(key)) + r"\s*:"
            raise _OutsideJson("appears twice; keep one", pattern, key)
        out[key] = value
    return out


def _schema_problem(error: Any, source: str, lines: Mapping[str, int]) -> Problem:
    """One schema error as a Problem a person can act on (error: jsonschema.ValidationError)."""
    path = _field_path(error.absolute_path)
    if error.validator == "additionalProperties":
        # YAML keys need not be text (`? `, `1:`, `2020-01-01:`): named as text, sortable
        extra = sorted(
            str(k) for k in set(error.instance) - set(error.schema.get("properties", {}))
        )
        field = f"{path}.{extra[0]}" if path else extra[0]
        allowed = ", ".join(error.schema.get("properties", {}))
        message = f"unknown field {extra[0]!r}; the fields here are {allowed}"
        return Problem(source, nearest_line(lines, field), field, message)
    if error.validator == "required":
        message = f"{error.message.split(' ')[0]} is required and missing"
    elif error.validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        message = f"{error.instance!r} is not one of {options}"
    elif error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        message = f"{_short(error.instance)} should be {_article(expected)}"
    elif error.validator == "pattern" and path == "id":
        message = f"{error.instance!r} is not a slug; use letters, digits, '.', '_' and '-'"
    elif error.validator == "minLength":
        message = "is empty; give a value or leave the field out"
    else:
        message = error.message
    return Problem(source, nearest_line(lines, path), path, message)


def _field_path(parts: Any) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _short(value: Any) -> str:
    # YAML's own tags (!!timestamp, !!binary, !!set) give values JSON has no form for
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
