"""Load flow files into a ``Flow``, reporting every problem with its line.

The shape of the file (keys, types, limits, rules between keys) is checked by the
one declaration in ``declaration.py``; this module builds the model from what it
read and checks what a schema cannot: references between the parts of the flow.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from icloud_fix.flow import Flow
from icloud_fix.flowfile.located_yaml import parse, read_text, without_gc
from icloud_fix.spelling import did_you_mean

BUILTIN_FLOW = "icloud-photos.yaml"

__all__ = ["builtin_flow_path", "did_you_mean", "load_builtin", "load_file", "load_text"]


def builtin_flow_path() -> Path:
    # Beside the package's modules, where it is installed as files (importlib.resources
    # costs a few ms to import, on every run); elsewhere ask importlib.resources.
    here = Path(__file__).parent.parent / "steps" / BUILTIN_FLOW
    if here.is_file():
        return here
    from importlib import resources

    return Path(str(resources.files("icloud_fix") / "steps" / BUILTIN_FLOW))


def load_builtin() -> Flow:
    """The iCloud Photos flow that ships inside the package."""
    return load_file(builtin_flow_path(), source=BUILTIN_FLOW)


def load_file(path: Path, source: str | None = None) -> Flow:
    """Load a flow file; raises InputFileError naming the file and line of every problem.

    The built-in flow is kept parsed in a cache (``cache.py``), used only for the very
    same text; any other file is parsed every time."""
    name = source if source is not None else str(path)
    text = read_text(path, name)
    location = path.resolve()
    cached = location == builtin_flow_path().resolve()
    flow = None
    if cached:
        from icloud_fix.flowfile import cache

        flow = cache.read(text)
    if flow is not None:
        flow = dataclasses.replace(flow, source=name)
    else:
        flow = load_text(text, name)
        if cached:
            cache.write(text, flow)
    return dataclasses.replace(flow, location=str(location))


def load_text(text: str, source: str) -> Flow:
    # The validated model is as many small objects as the parsed one: keep the
    # cyclic GC out of both, or load time grows faster than the flow.
    with without_gc():
        document = parse(text, source)
        from icloud_fix.flowfile.builder import FlowBuilder  # only when a file is parsed

        return FlowBuilder(source).flow(document)
