"""Data generators live apart from the apps (demodata/) and write through the
services: no app module makes demo or scale data, and the scale generator
builds no model row itself but takes each from a service's public builder."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from demodata import scale

ROOT = Path(__file__).resolve().parent.parent
APPS = ["blocs", "pledges", "scoring", "reports"]
GENERATOR_COMMANDS = {"load_demo.py", "generate_scale_data.py"}


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def generator_traits(path: Path) -> list[str]:
    """What makes a module a data generator: its name, a load(stdout=...)
    entry point, the generators' own package, the scale data's mark."""
    found = []
    if path.stem in {"demo", "scale"} or path.name in GENERATOR_COMMANDS:
        found.append(f"named {path.name}")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        )
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "load":
            if "stdout" in [a.arg for a in node.args.kwonlyargs + node.args.args]:
                found.append(f"def load(stdout) at line {node.lineno}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "demodata"
        ):
            found.append(f"imports {node.module} at line {node.lineno}")
        elif isinstance(node, ast.Import) and any(
            a.name.startswith("demodata") for a in node.names
        ):
            found.append(f"imports demodata at line {node.lineno}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and scale.MARK in node.value
        ):
            found.append(f"the scale mark at line {node.lineno}")
    return found


def test_no_app_module_generates_demo_or_scale_data():
    offenders = {
        str(path.relative_to(ROOT)): traits
        for path in app_modules()
        if (traits := generator_traits(path))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "path", ["demodata/blocs.py", "demodata/reports.py", "demodata/scale.py"]
)
def test_the_scan_recognises_a_generator(path):
    """The scan above would catch these modules were they back in an app."""
    assert generator_traits(ROOT / path)


def direct_writes(source: str) -> list[str]:
    """Calls that make a model row or write one without a service: a model
    class called, or create/save/get_or_create/update_or_create."""
    models = {m.__name__ for m in apps.get_models()} | {"through"}
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        if name in models or name in {
            "create",
            "save",
            "get_or_create",
            "update_or_create",
            "update",
        }:
            found.append(f"{name}() at line {node.lineno}")
    return found


def test_scale_generator_builds_rows_only_with_service_builders():
    source = (ROOT / "demodata/scale.py").read_text(encoding="utf-8")
    assert direct_writes(source) == []


def test_the_write_scan_catches_a_row_made_by_hand():
    assert direct_writes("Value(submission=s, indicator=i, actual=1)\n") == [
        "Value() at line 1"
    ]
    assert direct_writes("Score.objects.create(total=1)\n") == ["create() at line 1"]
