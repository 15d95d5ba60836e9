"""The audiences fixture programme (tests/fixtures/audiences) built once per test run, shared by
test_audiences, test_numbering and test_wording."""

from pathlib import Path

import pytest

from auditpack import pipeline

from .conftest import FIXTURES, built_once, copy_project


@pytest.fixture(scope="session")
def voices_build(tmp_path_factory) -> Path:
    def make(root: Path) -> None:
        copy_project(FIXTURES / "audiences", root)
        pipeline.build(pipeline.Project.open(root))
    return built_once(tmp_path_factory, "voices", "voices", make)
