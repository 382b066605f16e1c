"""The package's import structure (issue 12): no import cycle, counting imports inside functions; no module imports
a private name from another package; nothing but ``python -m otio_scoreplan`` imports the private command line.

The graph is built from the source with ``ast`` (every ``import`` and ``from ... import`` anywhere in a module,
including inside functions and ``if TYPE_CHECKING:`` blocks), one node per module; ``from pkg import name``
counts as an import of ``pkg.name`` when that is a module, else of ``pkg``. Each check is first run on a small
package made here, so it is known to find what it looks for.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "otio_scoreplan"


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``) for every ``.py`` file under the package ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imports(root: Path) -> list[tuple[str, str, str]]:
    """(importer, imported module, name imported from it or '') for every import of the package's own modules."""
    modules = _modules(root)
    top = root.name
    out = []
    for importer, (path, is_package) in modules.items():
        here = importer.split(".") if is_package else importer.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                out += [(importer, a.name, "") for a in node.names if a.name.split(".")[0] == top]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - node.level + 1]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                if prefix.split(".")[0] != top:
                    continue
                for alias in node.names:
                    sub = f"{prefix}.{alias.name}"
                    out.append((importer, sub, "") if sub in modules else (importer, prefix, alias.name))
    return out


def _cycles(root: Path) -> list[list[str]]:
    """The strongly connected components of more than one module (each holds an import cycle), sorted."""
    edges: dict[str, set[str]] = {m: set() for m in _modules(root)}
    for importer, imported, _ in _imports(root):
        if imported in edges and imported != importer:
            edges[importer].add(imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(found)


def _package_of(module: str, modules: dict[str, tuple[Path, bool]]) -> str:
    return module if modules[module][1] else module.rpartition(".")[0]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_imports(root: Path, allowed: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """Imports of a private name, or of a module under a private name, from a module of another package than
    the importer's, but for ``allowed`` (importer, imported) pairs."""
    modules = _modules(root)
    bad = []
    for importer, imported, name in _imports(root):
        if imported not in modules or (importer, imported) in allowed:
            continue
        if _package_of(imported, modules) == _package_of(importer, modules):
            continue  # inside its own package
        hidden = [p for p in imported.split(".") if _private(p)] + ([name] if _private(name) else [])
        if hidden:
            bad.append(f"{importer} imports {imported}{f'.{name}' if name else ''}")
    return sorted(bad)


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "toy"


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    """A cycle through an import inside a function, and private names taken across packages, are found;
    the same inside one package is not reported."""
    toy = _write(tmp_path, {
        "toy/__init__.py": "",
        "toy/a/__init__.py": "",
        "toy/a/one.py": "from ..b.two import helper\n_secret = 1\n",
        "toy/a/three.py": "from .one import _secret\n",  # the same package: allowed
        "toy/b/__init__.py": "",
        "toy/b/two.py": "def helper():\n    from toy.a import one\n    from toy.a.one import _secret\n",
        "toy/b/_hidden.py": "",
        "toy/c.py": "import toy.b._hidden\n",
    })
    assert _cycles(toy) == [["toy.a.one", "toy.b.two"]]
    assert _private_imports(toy) == ["toy.b.two imports toy.a.one._secret", "toy.c imports toy.b._hidden"]
    assert _private_imports(toy, frozenset({("toy.c", "toy.b._hidden")})) == ["toy.b.two imports toy.a.one._secret"]


def test_no_import_cycle() -> None:
    assert _cycles(PACKAGE) == []


def test_no_private_name_is_imported_from_another_package() -> None:
    # the console script's module (python -m otio_scoreplan) is the one way into the private command line
    allowed = frozenset({("otio_scoreplan.__main__", "otio_scoreplan._cli")})
    assert _private_imports(PACKAGE, allowed) == []


def test_only_the_command_line_imports_the_command_line() -> None:
    importers = sorted({importer for importer, imported, _ in _imports(PACKAGE)
                        if (imported == "otio_scoreplan._cli" or imported.startswith("otio_scoreplan._cli."))
                        and not importer.startswith("otio_scoreplan._cli")})
    assert importers == ["otio_scoreplan.__main__"]
