"""Generation: selection by the plan, determinism, provenance, language, escaping and injection."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest

from dgbot import __version__
from dgbot.config import Settings
from dgbot.dmp.plan import Plan
from dgbot.errors import ResourceError
from dgbot.notebooks.generate import Generated, generate
from dgbot.notebooks.select import load_table, select
from dgbot.notebooks.text import escape_markdown, fill
from dgbot.resources import list_data, read_template
from notebooks.generate_helpers import (
    HOSTILE,
    HOSTILE_LINES,
    PLANS,
    hostile_plan,
    load_plan,
    plan_from,
    read,
    research_plan,
)

ALL = [*PLANS, None]  # None: the example research repository's plan


def _plan(path: Path | None) -> Plan:
    return plan_from(research_plan()) if path is None else load_plan(path)


def _by_name(generated: tuple[Generated, ...]) -> dict[str, Generated]:
    return {g.name: g for g in generated}


def _injected(generated: Generated) -> dict[str, object]:
    """The assignments papermill wrote, read back as literals (so nothing in them is code)."""
    (cell,) = [c for c in read(generated.text).cells if c.id == "plan-parameters"]
    values = {}
    for statement in ast.parse(cell.source).body:
        assert isinstance(statement, ast.Assign), ast.dump(statement)
        (target,) = statement.targets
        assert isinstance(target, ast.Name)
        values[target.id] = ast.literal_eval(statement.value)
    return values


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name if p else "research-repo")
def test_two_generations_are_byte_identical(path: Path | None) -> None:
    plan = _plan(path)
    first, second = generate(plan, Settings()), generate(plan, Settings())
    assert [g.text for g in first] == [g.text for g in second]
    for generated in first:
        notebook = read(generated.text)
        template_ids = {c.id for c in read(read_template(f"{generated.template}.ipynb")).cells}
        assert {c.id for c in notebook.cells} <= template_ids | {"plan-parameters"}
        assert all(c.get("outputs", []) == [] for c in notebook.cells)
        assert generated.text.endswith("}\n") and "\r" not in generated.text


def test_provenance_is_recorded_in_metadata() -> None:
    plan = load_plan(PLANS[0])
    for generated in generate(plan, Settings()):
        record = read(generated.text).metadata["dgbot"]
        assert record["version"] == __version__
        assert record["template"] == {"id": generated.template, "version": 3}
        assert record["plan"] == {"path": plan.source, "sha256": plan.sha256}
        assert len(record["cells"]) == len(read(generated.text).cells)


def test_selection_follows_the_plan() -> None:
    basic = _by_name(generate(load_plan(PLANS[1]), Settings()))  # basic.json: docker, GPU, targets
    moonshot = _by_name(generate(load_plan(PLANS[5]), Settings()))  # no docker, for_parameters
    assert "06_check_reproducibility.ipynb" in basic and "06_check_reproducibility.ipynb" not in moonshot
    environment = {c.id for c in read(basic["01_prepare_environment.ipynb"].text).cells}
    assert {"docker", "gpu"} <= environment and "binder" not in environment
    environment = {c.id for c in read(moonshot["01_prepare_environment.ipynb"].text).cells}
    assert "binder" in environment and not {"docker", "gpu"} & environment
    runs = {c.id for c in read(moonshot["02_run_experiment.ipynb"].text).cells}
    assert "sets" in runs and "single" not in runs
    records = {c.id for c in read(basic["03_save_records.ipynb"].text).cells}
    assert "local-en" in records and "push" not in records
    amed, jst = (_by_name(generate(load_plan(PLANS[i]), Settings()))["00_index.ipynb"] for i in (0, 2))
    assert "bio-en" in amed.text and "neuro-en" not in amed.text and "neuro-en" in jst.text
    personal = _by_name(generate(load_plan(PLANS[0]), Settings()))["03_save_records.ipynb"]
    assert "personal-en" in personal.text and "personal-en" not in basic["03_save_records.ipynb"].text
    with_sibling = _by_name(generate(load_plan(PLANS[1]), Settings(sibling="gin")))
    records = {c.id for c in read(with_sibling["03_save_records.ipynb"].text).cells}
    assert "push" in records and "local-en" not in records
    assert _injected(with_sibling["03_save_records.ipynb"]) == {"sibling": "gin"}


def test_every_section_of_every_template_is_in_the_table() -> None:
    table = load_table()
    templates = sorted(
        name.removesuffix(".ipynb") for name in list_data("templates") if name.endswith(".ipynb")
    )
    assert sorted(spec.template for spec in table.notebooks) == templates
    for name in templates:
        for cell in read(read_template(f"{name}.ipynb")).cells:
            for tag in cell.metadata.get("tags", []):
                if tag.startswith("section-"):
                    assert tag.removeprefix("section-") in table.sections, (name, cell.id)


def test_markdown_is_chosen_by_language() -> None:
    plan = load_plan(PLANS[2])  # jst.yaml
    english = generate(plan, Settings(language="en"))[0]
    japanese = generate(plan, Settings(language="ja"))[0]
    assert "# Research flow: " in english.text and "研究フロー" not in english.text
    assert "# 研究フロー: " in japanese.text and "Research flow" not in japanese.text
    assert read(japanese.text).metadata["dgbot"]["language"] == "ja"
    assert all(not c.id.endswith("-en") for c in read(japanese.text).cells)


def test_changing_one_field_changes_only_the_cells_that_use_it() -> None:
    document = research_plan()
    before = _by_name(generate(plan_from(document), Settings()))
    document["contentSize"] = "10GB"
    after = _by_name(generate(plan_from(document), Settings()))
    changed = {}
    for name, generated in before.items():
        old, new = dict(generated.cells), dict(after[name].cells)
        if old != new:
            changed[name] = sorted(cell for cell in new if old.get(cell) != new[cell])
    assert changed == {"05_monitor_data.ipynb": ["plan-parameters", "volume-en"]}
    assert _injected(after["05_monitor_data.ipynb"])["size_limit"] == 10 * 1024**3


def test_hostile_values_become_literals_and_escaped_text() -> None:
    plan = plan_from(hostile_plan())
    notebooks = _by_name(generate(plan, Settings()))
    index = notebooks["00_index.ipynb"]
    assert _injected(index)["title"] == HOSTILE
    assert _injected(index)["description"] == HOSTILE_LINES
    packaging = _injected(notebooks["04_package_results.ipynb"])
    assert packaging["contact"]["affiliation"] == HOSTILE_LINES  # type: ignore[index]
    title = next(c for c in read(index.text).cells if c.id == "title-en").source
    assert title.startswith("# Research flow: ") and "\n" not in title
    assert "</script>" not in title and "&lt;/script&gt;" in title
    assert "$(touch" not in title and "\\$\\(touch" in title


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("*bold* _x_ [link](u)", "\\*bold\\* \\_x\\_ \\[link\\]\\(u\\)"),
        ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"),
        ("line\n# heading\r\n1. item", "line \\# heading 1\\. item"),
        ("$x$ `code` {{title}}", "\\$x\\$ \\`code\\` \\{\\{title\\}\\}"),
        ("日本語（テスト）", "日本語（テスト）"),
    ],
)
def test_markdown_escaping(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


def test_a_value_never_fills_placeholders_twice() -> None:
    assert fill("# {{title}} / {{experiment}}", {"title": "{{experiment}}", "experiment": "x"}, "t") == (
        "# \\{\\{experiment\\}\\} / x"
    )
    with pytest.raises(ResourceError, match="unknown placeholder"):
        fill("{{nope}}", {}, "template t")


def test_selection_table_is_declarative_data() -> None:
    plan = load_plan(PLANS[3])  # madmp-1.2: no structure, no limit, no reproducibility
    chosen = select(plan, Settings())
    assert "volume" not in chosen.sections and "structure" not in chosen.sections
    assert [spec.file for spec in chosen.notebooks][-1] == "05_monitor_data.ipynb"
    unlimited = dataclasses.replace(load_plan(PLANS[1]), size_limit=None)
    assert "volume" not in select(unlimited, Settings()).sections
    monitoring = _by_name(generate(plan, Settings()))["05_monitor_data.ipynb"]
    assert json.loads(monitoring.text)["metadata"]["papermill"]["parameters"]["size_limit"] is None


def test_links_between_notebooks_name_files_of_the_table() -> None:
    files = {spec.file for spec in load_table().notebooks}
    for name in {spec.template for spec in load_table().notebooks}:
        for cell in read(read_template(f"{name}.ipynb")).cells:
            for target in re.findall(r"\]\(([^)]+\.ipynb)\)", cell.source):
                assert target in files, (name, cell.id, target)


def test_values_given_at_run_time_override_the_plan_and_keep_the_rest() -> None:
    from dgbot.notebooks.execute import parameterize

    generated = _by_name(generate(load_plan(PLANS[1]), Settings()))["01_prepare_environment.ipynb"]
    notebook = read(generated.text)
    assert [c.id for c in notebook.cells if "parameters" in c.metadata.get("tags", [])] == ["plan-parameters"]
    for cell in notebook.cells:
        cell.metadata.setdefault("tags", [])  # as papermill's loader does
    ran = parameterize(notebook, {"strict": True, "docker": False})  # as `papermill -p strict True` does
    ids = [c.id for c in ran.cells]
    assert ids.index("parameters") < ids.index("plan-parameters")
    injected = ran.cells[ids.index("plan-parameters") + 1]
    assert "injected-parameters" in injected.metadata.tags and "strict = True" in injected.source
    namespace: dict[str, object] = {}
    for cell in ran.cells[ids.index("parameters") : ids.index("plan-parameters") + 2]:
        for node in ast.parse(cell.source).body:  # assignments of literals, as the kernel would run them
            assert isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name), ast.dump(node)
            namespace[node.targets[0].id] = ast.literal_eval(node.value)
    assert namespace["strict"] is True and namespace["docker"] is False
    assert namespace["gpu"] == {"count": 2, "min_memory": 24 * 1024**3, "cuda": "12.2"}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_code_cell_opens_with_a_comment_in_the_notebooks_language(language: str) -> None:
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for generated in generate(_plan(None), Settings(language=language)):
        for cell in read(generated.text).cells:
            if cell.cell_type != "code":
                continue
            first = cell.source.split("\n", 1)[0]
            assert first.startswith("# ") and len(first) > 10, (generated.name, cell.id, first)
            assert bool(japanese.search(first)) == (language == "ja"), (generated.name, cell.id, first)
            assert "dgbot" not in cell.metadata  # the template's comments are not carried along
