"""Hostile content files and file names: a diagnostic and exit 1, never a traceback.

Each file of tests/fixtures/hostile/yaml/ (and the large ones made here) is dropped into a
copy of the valid corpus; `check` and `build` must report it on its own line and exit 1,
and `build` must leave site_src/ as it was. Ids that could escape site_src/ or collide on
another filesystem are refused by name.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from generator.cli import main
from generator.load import load_file
from tests.conftest import VALID_CONTENT, run_generator, subprocess_env

HOSTILE_YAML = Path(__file__).parent / "fixtures" / "hostile" / "yaml"
# Each hostile file, and the code of the one diagnostic it must get.
EXPECTED_CODES = {
    "alias": "yaml-alias",
    "billion-laughs": "yaml-alias",
    "control-character": "yaml-syntax",
    "deep-nesting": "too-deep",
    "duplicate-key": "duplicate-key",
    "empty": "empty-file",
    "invalid-utf8": "encoding",
    "merge-key": "yaml-merge",
    "python-tag": "yaml-tag",
    "tab-indent": "yaml-syntax",
    "top-level-list": "not-a-mapping",
    "two-documents": "yaml-syntax",
    "unknown-tag": "yaml-tag",
    "million-brackets": "too-deep",
    "fifty-megabytes": "file-too-large",
}


def make_large_files(folder: Path) -> None:
    # Just under the 1 MB limit, so that the nesting guard, not the size limit, refuses it.
    (folder / "million-brackets.yaml").write_text(
        "id: million-brackets\ntitle: " + "[" * 990_000, encoding="utf-8"
    )
    with (folder / "fifty-megabytes.yaml").open("wb") as handle:
        handle.write(b"id: fifty-megabytes\nsummary: '")
        handle.write(b"a" * 50_000_000)
        handle.write(b"'\n")


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for path in HOSTILE_YAML.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    make_large_files(folder)
    return folder


def test_every_hostile_file_has_an_expected_diagnostic(hostile_dir: Path) -> None:
    assert {p.stem for p in hostile_dir.glob("*.yaml")} == set(EXPECTED_CODES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CODES))
def test_check_reports_a_hostile_file_with_one_diagnostic(
    tmp_path: Path, hostile_dir: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    shutil.copy(hostile_dir / f"{name}.yaml", tmp_path / "content" / "events" / f"{name}.yaml")
    status = main(["check", "--content", str(tmp_path / "content")])
    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert len(out) == 1
    assert out[0].startswith(f"content/events/{name}.yaml:")
    assert out[0].endswith(f"[{EXPECTED_CODES[name]}]")


def test_check_and_build_of_a_tree_of_hostile_files_exit_1_without_a_traceback(
    tmp_path: Path, hostile_dir: Path
) -> None:
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    for path in hostile_dir.glob("*.yaml"):
        shutil.copy(path, tmp_path / "content" / "events" / path.name)
    for command in ("check", "build"):
        done = run_generator(command, cwd=tmp_path)
        assert done.status == 1, done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        flagged = {
            line.split(":", 1)[0].removeprefix("content/events/").removesuffix(".yaml")
            for line in done.stdout.splitlines()
        }
        assert flagged == set(EXPECTED_CODES)
    assert not (tmp_path / "site_src").exists()
    assert not (tmp_path / "site_src.tmp").exists()
    assert not Path("/tmp/pwned").exists()


# --- billion laughs: measured -----------------------------------------------------------------


def test_billion_laughs_is_refused_in_little_memory() -> None:
    tracemalloc.start()
    try:
        document = load_file(HOSTILE_YAML / "billion-laughs.yaml", "billion-laughs.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [d.format_text() for d in document.problems] == [
        "billion-laughs.yaml:3:8: error: aliases (*name) are not allowed; write the value out "
        "[yaml-alias]"
    ]
    # 10^10 strings if expanded; refusing it needs the file's node tree once (measured: 1.0 MB
    # traced, in 1 ms).
    assert peak < 2_000_000


def test_checking_billion_laughs_keeps_the_process_small(tmp_path: Path) -> None:
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    shutil.copy(HOSTILE_YAML / "billion-laughs.yaml", tmp_path / "content" / "events")
    script = (
        "import resource, sys, time\n"
        "from generator.cli import main\n"
        "started = time.perf_counter()\n"
        "status = main(['check'])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(f'{time.perf_counter() - started:.3f} {peak}', file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=subprocess_env(),
    )
    wall = time.perf_counter() - started
    check_seconds, peak = done.stderr.splitlines()[-1].split()
    peak_kib = int(peak)
    print(
        f"billion laughs: check {check_seconds}s, process {wall:.2f}s, "
        f"peak RSS of the checking process {peak_kib / 1024:.0f} MiB"
    )
    assert done.returncode == 1
    assert "[yaml-alias]" in done.stdout
    # An expanded billion laughs needs gigabytes; the interpreter and the generator ~100 MB.
    # The checking process's own peak, as it reports it: the largest child of this test
    # process so far (RUSAGE_CHILDREN) would be whichever test ran the biggest child before.
    assert peak_kib < 400 * 1024


# --- file names and ids -----------------------------------------------------------------------


def actor_yaml(actor_id: str) -> str:
    return f"id: {actor_id}\nname: Mali\nkind: state\ndescription: A state.\n"


@pytest.mark.parametrize(
    ("file_name", "actor_id", "expected"),
    [
        (
            "Mali.yaml",
            "mali",
            "content/actors/Mali.yaml:1:5: error: id 'mali' does not match the file name "
            "'Mali.yaml'; rename the file to 'mali.yaml' (the file name is not a valid id) "
            "[id-mismatch]",
        ),
        (
            "Mali.yaml",
            "Mali",
            "content/actors/Mali.yaml:1:5: error: 'Mali' is not a safe id: use lower-case "
            "ASCII letters, digits and single hyphens, such as 'mali-coup-2021' [unsafe-id]",
        ),
        (
            "m\u0430li.yaml",
            "mali",
            "content/actors/m\u0430li.yaml:1:5: error: id 'mali' does not match the file name "
            "'m\u0430li.yaml'; rename the file to 'mali.yaml' (the file name is not a valid id) "
            "[id-mismatch]",
        ),
        (
            "m\u0430li.yaml",
            "m\u0430li",
            "content/actors/m\u0430li.yaml:1:5: error: 'm\u0430li' is not a safe id: use "
            "lower-case ASCII letters, digits and single hyphens, such as 'mali-coup-2021' "
            "[unsafe-id]",
        ),
        (
            "con.yaml",
            "con",
            "content/actors/con.yaml:1:5: error: 'con' is a reserved file name on Windows; "
            "choose another id [unsafe-id]",
        ),
        (
            "x.yaml",
            '"../x"',
            "content/actors/x.yaml:1:5: error: '../x' is not a safe id: use lower-case ASCII "
            "letters, digits and single hyphens, such as 'mali-coup-2021' [unsafe-id]",
        ),
    ],
)
def test_look_alike_and_unsafe_file_names_are_refused(
    tmp_path: Path, file_name: str, actor_id: str, expected: str
) -> None:
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    (tmp_path / "content" / "actors" / file_name).write_text(actor_yaml(actor_id), encoding="utf-8")
    done = run_generator("check", cwd=tmp_path)
    assert done.status == 1
    assert expected in done.stdout.splitlines()
    assert "Traceback" not in done.stderr


def test_an_upper_case_twin_next_to_the_file_is_refused(tmp_path: Path) -> None:
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    (tmp_path / "content" / "actors" / "Mali.yaml").write_text(actor_yaml("mali"), encoding="utf-8")
    assert (tmp_path / "content" / "actors" / "mali.yaml").is_file()
    done = run_generator("build", cwd=tmp_path)
    assert done.status == 1
    assert [line.rsplit("[", 1)[-1] for line in done.stdout.splitlines()] == [
        "id-mismatch]",
        "duplicate-id]",
    ]
    assert not (tmp_path / "site_src").exists()


@pytest.mark.parametrize(
    "unsafe",
    ["../x", "/etc/passwd", "a/b", "a\\\\b", "a.b", "a\\0b", "con", "lpt1", "x" * 81, "Mali", "é"],
)
def test_references_with_unsafe_ids_are_refused(tmp_path: Path, unsafe: str) -> None:
    shutil.copytree(VALID_CONTENT, tmp_path / "content")
    event = tmp_path / "content" / "events" / "bamako-attack-2024.yaml"
    text = event.read_text(encoding="utf-8").replace("  - actor: jnim", f'  - actor: "{unsafe}"')
    event.write_text(text, encoding="utf-8")
    done = run_generator("build", cwd=tmp_path)
    assert done.status == 1
    assert "[unsafe-id]" in done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site_src").exists()
