"""YAML records: every plain value read as text, duplicate keys and alias bombs refused, and
the line of each field (also for JSON, which is YAML)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from bookrdf.errors import Problem, RecordError

# What a record nested deeper than Python's parsers go is told (no record needs more than five
# levels: a book, its chapters, a chapter's people, their identifiers).
TOO_DEEP = "is nested too deeply to be a record; a record needs only a few levels of fields"


_KEPT_TAGS = ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")

# libyaml's parser when PyYAML was built with it: ten times faster on large records.
BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _RecordLoader(BaseLoader):  # type: ignore[valid-type,misc]
    """YAML that reads every plain value as text: no field of a record is a number, a boolean
    or a date, and YAML 1.1 would otherwise turn `label: 1.` into 1.0 and `title: No` into False.
    Merge keys (`<<: *entry`) still merge: they are how YAML shares fields between entries.
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
        first: [(tag, rx) for tag, rx in resolvers if tag in _KEPT_TAGS]
        for first, resolvers in BaseLoader.yaml_implicit_resolvers.items()
    }


def parse_yaml(text: str, source: str) -> Iterator[tuple[Any, dict[str, int]]]:
    """Each record of a YAML text with its fields' lines: one, or several as documents after
    `---` (how `bookrdf import` prints several books). No record at all is one empty record."""
    loader = _RecordLoader(text)
    found = False
    try:
        while loader.check_node():
            node = loader.get_node()
            _check_aliases(node, source)
            _check_duplicate_keys(node, source)
            data = loader.construct_document(node)
            if data is not None:  # an empty document between two `---` holds no record
                found = True
                yield data, field_lines(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        what = err.problem or "cannot be parsed"
        raise RecordError(Problem(source, line, "", f"is not valid YAML: {what}")) from None
    except yaml.reader.ReaderError as err:  # a character YAML does not allow; no mark
        line = text.count("\n", 0, err.position) + 1
        code = f"U+{err.character:04X}" if isinstance(err.character, int) else "a character"
        message = f"is not valid YAML: it does not allow the character {code}; remove it"
        if isinstance(err.character, int) and 0x80 <= err.character <= 0x9F:
            message += " (a C1 control: most often a Windows-1252 quote or dash read wrongly)"
        raise RecordError(Problem(source, line, "", message)) from None
    except yaml.YAMLError as err:
        what = " ".join(str(err).split())
        raise RecordError(Problem(source, None, "", f"is not valid YAML: {what}")) from None
    except RecursionError:
        raise RecordError(Problem(source, None, "", TOO_DEEP)) from None
    finally:
        loader.dispose()
    if not found:
        yield None, {"": 1}


# A record's values, its aliases expanded: a real one has hundreds; a few nested aliases can
# stand for billions (a "billion laughs" document), which every later step would walk.
MAX_VALUES = 100_000


def _check_aliases(root: yaml.Node, source: str) -> None:
    """Refuse aliases that expand a record past MAX_VALUES values, or that hold themselves."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        children = _child_nodes(node)
        if children_done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_VALUES:
                line = node.start_mark.line + 1
                message = f"its aliases stand for more than {MAX_VALUES:,} values; write fewer"
                raise RecordError(Problem(source, line, "", message))
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            message = "an alias holds the value it is part of; write the value out"
            raise RecordError(Problem(source, node.start_mark.line + 1, "", message))
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _child_nodes(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_duplicate_keys(node: yaml.Node, source: str, path: str = "") -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            here = f"{path}.{name}" if path else name
            if name in seen:
                raise RecordError(
                    Problem(source, key.start_mark.line + 1, here, "appears twice; keep one")
                )
            seen.add(name)
            _check_duplicate_keys(value, source, here)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_duplicate_keys(item, source, f"{path}[{index}]")


def field_lines(node: yaml.Node | None, path: str = "") -> dict[str, int]:
    """Map field paths ('chapters[3].pages') to 1-based lines."""
    if node is None:
        return {"": 1}
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = f"{path}.{key.value}" if path else str(key.value)
            lines.update(field_lines(value, here))
            lines[here] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(field_lines(item, f"{path}[{index}]"))
    return lines
