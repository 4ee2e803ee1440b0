"""The ``ses-production-access`` command: ``template`` writes the plain CloudFormation
template to a file or to standard output; failures are one readable line and an exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ses_production_access.cli.common import EXIT_FAILED, EXIT_OK
from ses_production_access.cli.main import main
from ses_production_access.templates.plain import template_json

SCRIPT = Path(sys.executable).parent / "ses-production-access"


@pytest.fixture(scope="module")
def expected() -> str:
    return template_json()


def test_template_writes_the_plain_template_to_the_output_file(
    tmp_path: Path, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "ses-production-access.json"
    assert main(["template", "--output", str(output)]) == EXIT_OK
    assert output.read_text() == expected
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(output) in captured.err
    assert f"{len(expected.encode()):,} bytes" in captured.err


def test_template_writes_to_standard_output_without_output(
    expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["template"]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out == expected
    body: dict[str, Any] = json.loads(captured.out)
    assert "Parameters" in body


@pytest.mark.parametrize("where", ["missing-folder/template.json", "."])
def test_fails_template_on_an_unwritable_output_with_a_readable_error(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / where
    assert main(["template", "--output", str(output)]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"ses-production-access template: cannot write {output}: ")
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_fails_without_a_subcommand_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "usage: ses-production-access" in capsys.readouterr().err


def test_fails_an_unknown_subcommand_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["deploy"])
    assert exited.value.code == 2
    assert "invalid choice: 'deploy'" in capsys.readouterr().err


def test_help_lists_the_template_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "template" in capsys.readouterr().out


def test_console_script_prints_only_the_template_on_standard_output(
    tmp_path: Path, expected: str
) -> None:
    done = subprocess.run(
        [str(SCRIPT), "template"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stdout == expected
    assert list(tmp_path.iterdir()) == []  # synthesized in a temporary folder
