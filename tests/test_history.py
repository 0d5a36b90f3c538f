"""Pages' history from git (generator/history.py, render/pages_changes.py), on a fixture
repository made in the test: commits, a correction, a rename, a shallow clone, no git."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import cli, incremental
from generator.build import generate
from generator.history import read_history
from generator.render import pages_changes
from generator.render.citations import SiteInfo

FIXTURE = Path(__file__).parent / "fixtures" / "site_small" / "content"
BAMAKO = "content/events/bamako-attack-2024.yaml"
REPO = "https://github.com/example/sahel"


def git(root: Path, *arguments: str, when: str = "2026-01-05T10:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Editor",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "Editor",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        # A developer's own settings (signed commits, hooks) stay out of the fixture.
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(root), *arguments], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(root: Path, message: str, when: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=when)
    return git(root, "rev-parse", "HEAD").strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with three commits: the fact base, an edit, and a marked correction."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root / "content")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Add the fact base", "2026-01-05T10:00:00+00:00")
    edit(root / BAMAKO, "title: JNIM attack on Bamako", "title: JNIM attacks Bamako")
    commit_all(root, "Bamako: the headline in the present tense", "2026-02-10T09:30:00+01:00")
    edit(root / BAMAKO, "title: JNIM attacks Bamako", "title: JNIM attack on Bamako")
    commit_all(
        root,
        "Bamako: the title back\n\nCorrection: the title said *attacks* <b>twice</b>",
        "2026-03-01T23:30:00-02:00",
    )
    return root


def build(root: Path, *, cache: bool = False, site: SiteInfo | None = None) -> Path:
    out = root / "site_src"
    result = generate(root / "content", out, cache=cache, site=site)
    assert result.ok, result.diagnostics
    return out


def section(page: str, heading: str) -> str:
    start = page.index(f"## {heading}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else None]


def test_an_event_page_lists_its_changes_newest_first(project: Path) -> None:
    page = (build(project) / "events" / "bamako-attack-2024.md").read_text()
    assert section(page, "History") == (
        "## History\n\n"
        # The last commit was at 23:30 on 1 March at UTC−2: 2 March in UTC.
        "First recorded on 5 January 2026; last changed on 2 March 2026.\n\n"
        "- 2 March 2026: Bamako: the title back **Correction:** the title said \\*attacks\\* "
        "&lt;b&gt;twice&lt;/b&gt;\n"
        "- 10 February 2026: Bamako: the headline in the present tense\n"
        "- 5 January 2026: Add the fact base\n"
    )
    assert "Last changed 2 March 2026." in section(page, "Cite this page")
    untouched = (project / "site_src" / "events" / "niger-coup-2023.md").read_text()
    assert "First recorded on 5 January 2026; last changed on 5 January 2026.\n" in untouched


def test_a_page_lists_its_latest_changes_and_counts_the_rest(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages_changes, "PAGE_CHANGES", 2)
    page = (build(project) / "events" / "bamako-attack-2024.md").read_text()
    assert section(page, "History").endswith(
        "- 10 February 2026: Bamako: the headline in the present tense\n\n"
        "And 1 earlier change, in the file's git log.\n"
    )


def test_changes_link_to_their_commit_when_the_repository_is_known(project: Path) -> None:
    head = git(project, "rev-parse", "HEAD").strip()
    out = build(project, site=SiteInfo(repo_url=REPO))
    page = (out / "events" / "bamako-attack-2024.md").read_text()
    link = f"[`{head[:7]}`](<{REPO}/commit/{head}>)"
    assert f"- 2 March 2026: Bamako: the title back ({link}) **Correction:**" in page


def test_the_changes_and_corrections_pages(project: Path) -> None:
    out = build(project)
    # Below the front matter, whose search terms are a list too.
    changes = body((out / "about" / "changes.md").read_text()).splitlines()
    listed = [line for line in changes if line.startswith("- ")]
    assert listed[0] == (
        "- 2 March 2026: Bamako: the title back **Correction:** the title said \\*attacks\\* "
        "&lt;b&gt;twice&lt;/b&gt;<br>Changed: "
        "[JNIM attack on Bamako](../events/bamako-attack-2024.md)"
    )
    assert listed[2].startswith("- 5 January 2026: Add the fact base<br>Changed: [")
    assert listed[2].endswith(", and 86 more files")
    corrections = body((out / "about" / "corrections.md").read_text())
    assert [line for line in corrections.splitlines() if line.startswith("- ")] == [listed[0]]


def body(page: str) -> str:
    """The page without its front matter."""
    return page.split("\n---\n\n", 1)[1]


def test_a_renamed_file_keeps_its_history(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "content" / "events").mkdir(parents=True)
    (root / "content" / "events" / "old.yaml").write_text("id: old\n" + "line\n" * 20)
    git(root, "init", "-q")
    first = commit_all(root, "Add old", "2026-01-01T00:00:00+00:00")
    git(root, "mv", "content/events/old.yaml", "content/events/new.yaml")
    second = commit_all(root, "Rename old to new", "2026-01-02T00:00:00+00:00")
    history = read_history(root)
    assert [c.commit for c in history.of("content/events/new.yaml")] == [second, first]
    assert history.of("content/events/old.yaml") == ()


def test_a_shallow_clone_says_so_once_and_claims_no_first_record(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", project.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    assert cli.main(["build", "--content", str(clone / "content"), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: shallow git history") == 1
    page = (clone / "site_src" / "events" / "bamako-attack-2024.md").read_text()
    assert section(page, "History").startswith(
        "## History\n\nLast changed on 2 March 2026.\n\n- 2 March 2026: Bamako: the title back"
    )
    assert "First recorded" not in page
    # The clone's oldest commit shows every file as added: it is not taken as their change.
    assert "- 10 February 2026" not in page
    assert "## History" not in (clone / "site_src" / "events" / "niger-coup-2023.md").read_text()


def test_without_git_the_build_says_so_once_and_pages_have_no_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "tarball"
    shutil.copytree(FIXTURE, root / "content")
    assert cli.main(["build", "--content", str(root / "content"), "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.count("note: no git history") == 1
    page = (root / "site_src" / "events" / "bamako-attack-2024.md").read_text()
    assert "## History" not in page
    assert "“JNIM attack on Bamako”. *The Sahel crisis*.\n" in section(page, "Cite this page")
    changes = (root / "site_src" / "about" / "changes.md").read_text()
    assert "*This copy of the site was built without its git history.*" in changes


def test_without_a_git_program_the_build_still_works(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    assert read_history(project).state == "none"
    assert "## History" not in (build(project) / "events" / "niger-coup-2023.md").read_text()


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_commit_updates_the_pages_the_render_memo_kept(project: Path) -> None:
    """Committing an edit changes no file's text, only the history: pages must show it, and
    the memo's output must equal a clean build's."""
    incremental.forget_sessions()
    try:
        edit(project / BAMAKO, "title: JNIM attack on Bamako", "title: The Bamako attack")
        before = build(project, cache=True) / "events" / "bamako-attack-2024.md"
        assert "- 2 March 2026: Bamako: the title back" in before.read_text()
        commit_all(project, "Bamako: a shorter title", "2026-04-02T08:00:00+00:00")
        cached = tree(build(project, cache=True))
    finally:
        incremental.forget_sessions()
    page = cached["events/bamako-attack-2024.md"].decode()
    assert "last changed on 2 April 2026.\n\n- 2 April 2026: Bamako: a shorter title\n" in page
    clean = project.parent / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site_src*"))
    assert tree(build(clean)) == cached
