"""The generator's structure: data flows one way, load → validate → model → render → write.

Each module may import only modules of earlier layers (a package's modules may also import
each other), wherever the import statement is, so the stages stay pure: no stage imports
the incremental layer, and only the build entry point does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GENERATOR = Path(__file__).parent.parent / "generator"

# Earlier layers first. A module is named by its path under generator/, without ".py";
# a package (render) by its folder.
LAYERS: list[set[str]] = [
    # values, text
    {"diagnostics", "dates", "countries", "gazetteer", "markdown", "runtime", "values"},
    {"slips"},
    {"load", "schema", "history"},
    {"provenance", "guide", "schema_errors"},
    {"validate"},
    {"model", "fmt", "scaffold"},
    {"corpus", "disputes"},
    {"render"},
    {"lock"},
    {"write"},
    {"nav"},  # writes mkdocs.yml's nav, as write does site_src/
    {"incremental"},
    {"build"},
    {"mkdocs_hook"},  # the entry points, from here on
    {"preview_build"},
    {"serve"},
    {"cli"},
    {"__main__"},
]
LAYER_OF = {name: number for number, layer in enumerate(LAYERS) for name in layer}


def unit_of(path: Path) -> str:
    relative = path.relative_to(GENERATOR).with_suffix("")
    return relative.parts[0]


def imported_units(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] != "generator" or len(parts) < 2:
                continue
            if (GENERATOR / parts[1]).is_dir() or (GENERATOR / f"{parts[1]}.py").is_file():
                found.add(parts[1])
    return found


MODULES = sorted(p for p in GENERATOR.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_has_a_layer() -> None:
    units = {unit_of(path) for path in MODULES} - {"__init__"}
    assert units <= set(LAYER_OF), sorted(units - set(LAYER_OF))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(GENERATOR).as_posix())
def test_a_module_imports_only_earlier_layers(path: Path) -> None:
    unit = unit_of(path)
    if unit == "__init__":
        return
    later = {
        other
        for other in imported_units(path) - {unit}
        if LAYER_OF.get(other, len(LAYERS)) >= LAYER_OF[unit]
    }
    assert not later, f"{path.relative_to(GENERATOR)} imports {sorted(later)}"


def test_no_module_is_over_600_lines() -> None:
    lengths = {
        p.relative_to(GENERATOR).as_posix(): len(p.read_text().splitlines()) for p in MODULES
    }
    assert max(lengths.values()) <= 600, max(lengths.items(), key=lambda item: item[1])
