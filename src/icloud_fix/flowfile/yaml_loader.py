"""PyYAML set up to compose nodes cheaply, keeping their lines.

A module of its own so that it is imported on the first parse only: a run that reads
no YAML (the built-in flow from the cache, and no answers file) never pays for PyYAML.
"""

from __future__ import annotations

import re
from typing import ClassVar

import yaml
from yaml import SafeLoader


class ComposeOnly:
    """What a loader needs to compose nodes, done cheaply.

    The composer asks Python to resolve the tag of every scalar and to track a path
    for every node. PyYAML's versions support path resolvers, which nothing here
    uses, and rebuild a list per scalar; these do the same resolution at a fraction
    of the cost, which matters for a flow of thousands of checks.
    """

    _implicit: ClassVar[dict[str | None, tuple[tuple[str, re.Pattern[str]], ...]]] = {
        key: tuple(value) for key, value in SafeLoader.yaml_implicit_resolvers.items()
    }

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, pattern in self._implicit.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return "tag:yaml.org,2002:str"
        return ("tag:yaml.org,2002:seq" if kind is yaml.SequenceNode
                else "tag:yaml.org,2002:map")

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


try:  # libyaml's parser is several times faster; line numbers are the same.
    from yaml import CSafeLoader

    class Loader(ComposeOnly, CSafeLoader):
        pass

    WANTS_BYTES = True  # libyaml reads UTF-8 bytes faster than a str

except ImportError:  # pragma: no cover - depends on how PyYAML was built

    class Loader(ComposeOnly, SafeLoader):  # type: ignore[no-redef]
        pass

    WANTS_BYTES = False
