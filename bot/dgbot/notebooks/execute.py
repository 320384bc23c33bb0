"""The only importer of papermill: parameterizing notebooks (generation) and executing them."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import nbformat


def parameterize(notebook: nbformat.NotebookNode, parameters: Mapping[str, Any]) -> nbformat.NotebookNode:
    """A copy of `notebook` with `parameters` injected after its `parameters` cell by papermill.

    Values are serialized by papermill's Python translator, never formatted into code by us.
    """
    from papermill.parameterize import parameterize_notebook  # papermill is slow to import

    notebook = copy.deepcopy(notebook)  # papermill writes its metadata into what it is given
    notebook.metadata.setdefault("papermill", {})
    result: nbformat.NotebookNode = parameterize_notebook(notebook, dict(parameters), kernel_name="python3")
    return result
