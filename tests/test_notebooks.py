"""The notebooks of docs/notebooks run from top to bottom and show what their text says."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))


def _outputs(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    yield output.data.get("text/plain", "")
                elif output.output_type == "stream":
                    yield output.text


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "\n".join(_outputs(notebook))
    expected = {  # values from the seed texts and hand derivations
        "bowl": ["4", "1/3"],  # κ = 4; heavy ball's optimal rate (√κ − 1)/(√κ + 1) = 1/3
        "checking-answers": ["'true'", "(0, 1/2)", "2/5"],  # α < 2/L = 1/2; α* = 2/(1 + 4)
        "kernels": ["compiled"],
    }[path.stem]
    for value in expected:
        assert value in text, (path.stem, value)
