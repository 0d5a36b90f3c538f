"""The README's two commands, typed in a fresh clone on a machine whose pip refuses to install
into the system's Python (PEP 668, as Debian 12's does), build the site and run the tests.

The two shell blocks of the README's Quick start are run verbatim, each in a shell of its own,
in a `git clone` of this repository's HEAD (commit first: uncommitted changes are not in it),
with a Python that stands in for Debian's: a copy of this interpreter's installation whose
standard library carries the EXTERNALLY-MANAGED marker, and nothing installed but pip. The
clone's own test run leaves out this test, which would clone again.

It installs everything from the package index, as a new user would, and takes minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pip
import pytest

from tests.readme import quick_start_blocks

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
THIS_TEST = "tests/test_first_hour.py::test_the_readmes_two_commands_build_and_test_a_fresh_clone"
# Each block installs into fresh environments before it builds or tests; a hang must end.
BLOCK_TIMEOUT_S = 40 * 60
# What the machine, not the project, decides: the package index, proxies, certificates, and
# where a Python built with a shared libpython finds it.
MACHINE_SETTINGS = (
    "LD_LIBRARY_PATH",
    "PIP_",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "SSL_CERT_",
    "REQUESTS_CA_BUNDLE",
)


def externally_managed_python(root: Path) -> Path:
    """A copy of this Python's installation, marked as Debian marks its own; its bin/.

    The interpreter is copied (it finds its standard library from where it stands), the
    standard library is linked in entry by entry, and site-packages holds pip alone.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    stdlib = Path(sysconfig.get_path("stdlib"))
    bin_dir, lib_dir = root / "bin", root / "lib"
    bin_dir.mkdir(parents=True)
    shutil.copy2(Path(sys.base_prefix) / "bin" / version, bin_dir / version)
    for name in ("python3", "python"):
        (bin_dir / name).symlink_to(version)
    lib_dir.mkdir()
    for shared in stdlib.parent.glob("libpython*"):  # builds that find it next to bin/
        (lib_dir / shared.name).symlink_to(shared)
    own_stdlib = lib_dir / stdlib.name
    own_stdlib.mkdir()
    for entry in stdlib.iterdir():
        if entry.name not in ("site-packages", "dist-packages"):
            (own_stdlib / entry.name).symlink_to(entry)
    (own_stdlib / "site-packages").mkdir()
    (own_stdlib / "site-packages" / "pip").symlink_to(Path(pip.__file__).parent)
    (own_stdlib / "EXTERNALLY-MANAGED").write_text(
        "[externally-managed]\nError=This Python is the system's (a test's stand-in for "
        "Debian 12's): install packages in a virtual environment.\n",
        encoding="utf-8",
    )
    return bin_dir


def new_users_environment(python_bin: Path, home: Path) -> dict[str, str]:
    env = {
        "PATH": os.pathsep.join([str(python_bin), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": os.environ.get("HOME", str(home)),  # pip's download cache lives there
        "LANG": "C.UTF-8",
        "SAHEL_GENERATOR_CACHE_DIR": str(home / "generator-cache"),
        "PYTEST_ADDOPTS": f"--deselect {THIS_TEST}",
    }
    env.update({k: v for k, v in os.environ.items() if k.startswith(MACHINE_SETTINGS)})
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=BLOCK_TIMEOUT_S,
    )


def test_the_readmes_two_commands_build_and_test_a_fresh_clone(tmp_path: Path) -> None:
    python_bin = externally_managed_python(tmp_path / "system-python")
    env = new_users_environment(python_bin, tmp_path)
    clone = tmp_path / "sahel-timeline"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)

    # The stand-in really is a Python whose pip refuses system installs, and has no nox.
    refused = run(["python3", "-m", "pip", "install", "nox"], clone, env)
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stdout, refused.stdout
    assert run(["python3", "-c", "import nox"], clone, env).returncode != 0

    build, tests = quick_start_blocks()
    built = run(["bash", "-c", build], clone, env)
    assert built.returncode == 0, built.stdout[-5000:]
    assert (clone / "site" / "index.html").is_file()
    # A quiet first run: no notice the user cannot act on.
    assert "end of life" not in built.stdout
    assert "uv binary not found" not in built.stdout

    tested = run(["bash", "-c", tests], clone, env)
    assert tested.returncode == 0, tested.stdout[-5000:]
    assert "Session tests was successful" in tested.stdout
    assert " passed" in tested.stdout and " failed" not in tested.stdout
    assert "1 deselected" in tested.stdout

    # Nothing was installed into the system's Python.
    assert [p.name for p in (python_bin.parent / "lib").glob("*/site-packages/*")] == ["pip"]
