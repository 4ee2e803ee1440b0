"""The package as its users get it: the repo's wheel, built offline, installed into a fresh
virtual environment outside the repo.

Shared by the ecosystem checks (tests/ecosystem/test_wheel.py) and the contract suite
(tests/contract: the installed-package stack is synthesized with this venv's Python), through
the session fixture ``installed_wheel`` of tests/conftest.py, so it is built once a session.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "ses_production_access"
# Where the wheel puts the handler (pyproject.toml force-includes lambda/index.py there).
WHEEL_HANDLER = f"{PACKAGE}/_lambda/index.py"
TIMEOUT_SECONDS = 120


def dependencies_folder() -> Path:
    """The site-packages folder of this interpreter that holds aws-cdk-lib (found without
    importing it, which would start a jsii process)."""
    spec = importlib.util.find_spec("aws_cdk")
    assert spec is not None, "aws-cdk-lib is not installed in this interpreter"
    assert spec.origin is not None
    return Path(spec.origin).resolve().parents[1]


@dataclass(frozen=True)
class InstalledWheel:
    """A fresh venv holding the wheel and nothing else of this repo."""

    wheel: Path
    venv: Path  # resolved
    python: Path
    site_packages: Path
    # The repo venv's site-packages, on the fresh venv's import path after its own.
    dependencies: Path

    def handler(self) -> Path:
        """The handler file the install put in the fresh venv."""
        return self.site_packages / WHEEL_HANDLER


def build_wheel(dist: Path) -> Path:
    """``pip wheel`` of the repo with this venv's build backend (hatchling), offline."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
        timeout=TIMEOUT_SECONDS,
    )  # fmt: skip
    (built,) = dist.glob(f"{PACKAGE}-*.whl")
    return built


def install_wheel(wheel: Path, env_dir: Path) -> InstalledWheel:
    """A new venv at `env_dir` (outside the repo) with `wheel` installed in it.

    aws-cdk-lib, constructs and their dependencies come from this interpreter's venv
    (installing them afresh takes ~100 MB of downloads). Its folder is added by a plain
    path line of a .pth file, so the .pth files inside it, among them the editable install
    of this repo, are not run: the fresh venv cannot import the package from the source
    tree, and its own site-packages comes first on the import path.
    """
    assert not env_dir.resolve().is_relative_to(ROOT), f"{env_dir} is inside the repo"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=TIMEOUT_SECONDS,
    )  # fmt: skip
    site_packages = subprocess.run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    ).stdout.strip()
    dependencies = dependencies_folder()
    (Path(site_packages) / "zz_dependencies.pth").write_text(f"{dependencies}\n")
    return InstalledWheel(
        wheel=wheel,
        venv=env_dir.resolve(),
        python=python,
        site_packages=Path(site_packages).resolve(),
        dependencies=dependencies,
    )


def build_and_install(work: Path) -> InstalledWheel:
    """The repo's wheel built into `work`/dist and installed into `work`/venv."""
    dist = work / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    return install_wheel(build_wheel(dist), work / "venv")
