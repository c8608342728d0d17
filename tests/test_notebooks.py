import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_notebooks_folder_has_a_notebook():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb file"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_stored_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))

    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]

    assert code_cells
    for number, cell in enumerate(code_cells, start=1):
        assert cell["outputs"] == [], f"{path.name}: code cell {number} has outputs"
        assert cell["execution_count"] is None, (
            f"{path.name}: code cell {number} has an execution count"
        )
