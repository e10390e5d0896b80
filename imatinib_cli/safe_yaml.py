"""YAML from outside the package (a --vocab folder, a document's front matter), read safely and in bounds.

Two readers share it: `vocab.set_extra_dir` (the `--vocab` folder) and the Markdown reader's front
matter. Both need the same three guarantees, and yaml.safe_load gives only the first:

- nothing is executed: only `yaml.SafeLoader` (or its C twin) constructs values, so a tag such as
  `!!python/object/apply:os.system` is refused, never run;
- an alias bomb cannot exhaust memory: the node graph is composed first (aliases are shared nodes
  there, so a billion-laughs document is a few dozen nodes), then measured, and constructed only if
  its aliases add at most `max_expansion` values to what is written. A plain document with 10,000
  keys has no alias and passes whatever its size (its size is capped by the caller, in bytes);
- every failure is one short line (`YamlProblem`), never a traceback.

    >>> load("a: &x [1, 2]\\nb: *x\\n", max_expansion=10)
    {'a': [1, 2], 'b': [1, 2]}
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["YamlProblem", "alias_expansion", "load"]

_MAX_DETAIL = 160
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_TAG_RE = re.compile(r"for the tag '([^']+)'")


class YamlProblem(ValueError):
    """Why a YAML text was not read: one line ("malformed YAML (line 2: ...)", "the tag !!python/...
    is not allowed", "its aliases expand to more than 10000 values (an alias bomb)")."""

    def __init__(self, reason: str, *, tag: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.tag = tag  # the refused tag, e.g. "!!python/object/apply:os.system"


def load(source: str, *, max_expansion: int, fast: bool = False) -> Any:
    """The value of one YAML document, constructed by SafeLoader once its aliases are measured.

    `max_expansion`: how many values aliases may add beyond the ones written. `fast`: use the C
    loader when PyYAML has it (several times faster on large files; the same safe constructor).
    Raises YamlProblem.
    """
    import yaml  # deferred: importing yaml costs more than most runs spend here

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader
    loader = None
    try:
        loader = loader_class(source)  # the reader refuses control characters: a YAMLError
        node = loader.get_single_node()
        if node is None:
            return None
        if alias_expansion(node, max_expansion) > max_expansion:
            raise YamlProblem(f"its aliases expand to more than {max_expansion} values (an alias bomb)")
        return loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        tag = _refused_tag(str(exc.problem or exc))
        if tag:
            raise YamlProblem(f"the tag {tag} is not allowed", tag=tag) from None
        raise YamlProblem(detail(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML ({detail(exc)})") from None
    except RecursionError:
        raise YamlProblem("nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as exc:
        if isinstance(exc, YamlProblem):
            raise
        raise YamlProblem(_one_line(str(exc))[:_MAX_DETAIL] or type(exc).__name__) from None
    finally:
        if loader is not None:
            loader.dispose()


def alias_expansion(root: Any, limit: int) -> int:
    """How many values the composed graph gains when every alias is expanded (stops above limit).

    The values written once count nothing, so a 10,000-key mapping with no alias is 0. Each node is
    measured once (memoized), so a billion-laughs document is measured in a few steps instead of
    being expanded; a node that contains itself is endless and counts as limit + 1.
    """
    import yaml

    children: dict[int, list[Any]] = {}
    stack = [root]
    while stack:  # the distinct nodes and their children
        node = stack.pop()
        if id(node) in children:
            continue
        if isinstance(node, yaml.SequenceNode):
            kids = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            kids = [item for pair in node.value for item in pair]
        else:
            kids = []
        children[id(node)] = kids
        stack.extend(kid for kid in kids if id(kid) not in children)
    distinct = len(children)
    cap = distinct + limit + 1
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    walk: list[tuple[Any, bool]] = [(root, False)]
    while walk:
        node, children_done = walk.pop()
        key = id(node)
        if key in sizes:
            continue
        kids = children[key]
        if not kids:
            sizes[key] = 1
            continue
        if children_done:
            sizes[key] = min(cap, 1 + sum(sizes[id(kid)] for kid in kids))
            open_nodes.discard(key)
        elif key in open_nodes:
            return limit + 1  # a node that contains itself: endless once expanded
        else:
            open_nodes.add(key)
            walk.append((node, True))
            walk.extend((kid, False) for kid in kids if id(kid) not in sizes)
    return min(limit + 1, sizes[id(root)] - distinct)


def detail(exc: Exception) -> str:
    """A YAML error as one short line, with its line number: "line 2: expected ',' or ']'"."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    text = _one_line(str(problem)) if problem else _one_line(str(exc))
    if mark is not None:
        text = f"line {mark.line + 1}: {text}"
    return text[:_MAX_DETAIL]


def _refused_tag(problem: str) -> str | None:
    match = _TAG_RE.search(problem)
    if not match:
        return None
    tag = match.group(1)
    return "!!" + tag[len(_YAML_TAG_PREFIX) :] if tag.startswith(_YAML_TAG_PREFIX) else tag


def _one_line(text: str) -> str:
    return " ".join(text.split())
