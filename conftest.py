"""Run the notebooks in ``notebooks/`` as tests when nbmake is installed.

nbmake collects ``.ipynb`` files only with its ``--nbmake`` option, so this file turns
the option on. Without nbmake (pytest run without the ``test`` extra), each notebook
is reported as one skipped test that names the extra to install, and the other
tests run.
"""

import pytest

NBMAKE = "nbmake"


def pytest_configure(config):
    if config.pluginmanager.has_plugin(NBMAKE):
        config.option.nbmake = True


def pytest_collect_file(parent, file_path):
    if file_path.suffix != ".ipynb" or parent.config.pluginmanager.has_plugin(NBMAKE):
        return None
    return _NotebookWithoutNbmake.from_parent(parent, path=file_path)


class _NotebookWithoutNbmake(pytest.File):
    """A notebook that cannot run because nbmake is missing."""

    def collect(self):
        yield _SkippedNotebook.from_parent(self, name=self.path.name)


class _SkippedNotebook(pytest.Item):
    def runtest(self):
        pytest.skip(
            f"{self.path.name} not run: nbmake is not installed. Install the test "
            "extra, for example pip install -e '.[test]'."
        )

    def reportinfo(self):
        return self.path, None, self.path.name
