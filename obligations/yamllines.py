"""YAML loading that remembers where each value stood, so errors can say file:line.

PyYAML's composer keeps a mark on every node; we build plain Python data from the
node tree ourselves and keep a map from a value's path to its line. Duplicate keys,
which PyYAML would silently collapse, are reported instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass
class LocatedYaml:
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, path: Path) -> int:
        """The line of the deepest known ancestor of `path` (1-based)."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_located(text: str) -> LocatedYaml:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(line, f"ongeldige YAML: {exc.problem or exc}") from exc
    result = LocatedYaml(data=None)
    if node is None:
        return result
    result.data = _build(node, (), result)
    return result


def _build(node: yaml.Node, path: Path, out: LocatedYaml) -> Any:
    out.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(" ").construct_object(key_node)
            key = str(key)
            if key in mapping:
                out.duplicates.append((key_node.start_mark.line + 1, key))
            child = (*path, key)
            mapping[key] = _build(value_node, child, out)
            # A key's line is where the key stands, which is what a reader looks for.
            out.lines[child] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, index), out) for index, item in enumerate(node.value)]
    try:
        return yaml.SafeLoader(" ").construct_object(node)
    except (ValueError, yaml.YAMLError):
        # "2022-02-30" looks like a date but is none: keep the text so that
        # validation reports it against its line instead of crashing here.
        return node.value
