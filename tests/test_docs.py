import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Everything a reader of the repository meets: code, tests, tools, settings and the docs themselves.
SOURCES = sorted(
    {
        *ROOT.glob("*.md"),
        *ROOT.glob("*.toml"),
        *DOCS.glob("*.md"),
        *(ROOT / "bench").glob("*.md"),
        *(ROOT / "tools").iterdir(),
        ROOT / ".ci" / "run",
        *(
            path
            for folder in ("wearsync", "sync", "analytics", "dashboard", "bench", "tests")
            for path in (ROOT / folder).rglob("*")
            if path.suffix in (".py", ".tcss")
        ),
    }
    - {Path(__file__).resolve()}
)
# "docs/metrics.md", "metrics.md" (a doc's own links), optionally ", Section" or ", Section step N".
CITATION = re.compile(r"(?<![\w/.-])(?:docs/)?(?P<doc>[a-z][a-z0-9-]*\.md)(?:, (?P<section>[A-Z][^.;:)(\n\"`]*))?")
STEPS = re.compile(r"^(?P<name>.*?)(?: steps? (?P<steps>\d+(?: and \d+)*))?$")
TRAP = re.compile(r"\btrap (\d+)\b")
LINK = re.compile(r"\]\((?P<target>[^)#\s]+)(?:#[^)]*)?\)")
TRAPS_SECTION = ("fit-notes.md", "Traps the importer handles")


def _citations() -> list[tuple[str, str, str | None]]:
    """(where, doc, section or None) for every doc citation in the sources."""
    found = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{path.relative_to(ROOT)}:{number}"
            found += [
                (where, match["doc"], (match["section"] or "").strip() or None) for match in CITATION.finditer(line)
            ]
            found += [(where, TRAPS_SECTION[0], f"{TRAPS_SECTION[1]} step {n}") for n in TRAP.findall(line)]
    return found


def _heading(line: str) -> str:
    """A heading's name as cited: no #s, backticks or trailing parenthesis, lower case."""
    return re.sub(r"\s*\(.*\)$", "", line.lstrip("#").strip().replace("`", "")).lower()


def _section(doc: Path, name: str) -> list[str] | None:
    """The lines of the section headed `name` (up to the next heading of its level or above)."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    for at, line in enumerate(lines):
        if line.startswith("#") and _heading(line) == name.lower():
            level = len(line) - len(line.lstrip("#"))
            end = next(
                (
                    i
                    for i in range(at + 1, len(lines))
                    if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level
                ),
                len(lines),
            )
            return lines[at + 1 : end]
    return None


CITATIONS = _citations()


def test_the_citations_are_found():
    # The patterns above must keep finding what the code is known to cite, or the checks below check nothing.
    cited = {(doc, section) for _, doc, section in CITATIONS}
    assert ("metrics.md", "Intensity minutes steps 2 and 3") in cited  # analytics/intensity.py
    assert ("fit-notes.md", "Traps the importer handles step 4") in cited  # sync/fit_records.py: "trap 4"
    assert {"architecture.md", "fit-notes.md", "metrics.md"} <= {doc for _, doc, _ in CITATIONS}


@pytest.mark.parametrize(("where", "doc", "section"), CITATIONS, ids=[f"{w} {d}" for w, d, _ in CITATIONS])
def test_every_cited_doc_and_section_is_in_the_repository(where, doc, section):
    path = DOCS / doc
    assert path.is_file(), f"{where} cites {doc}, which is not in docs/"
    if section is None:
        return
    parts = STEPS.match(section)
    lines = _section(path, parts["name"])
    assert lines is not None, f"{where} cites the section {parts['name']!r} of {doc}, which has no such heading"
    for step in (parts["steps"] or "").split(" and ") if parts["steps"] else []:
        assert any(line.startswith(f"{step}. ") for line in lines), (
            f"{where} cites step {step} of {doc}'s {parts['name']!r}, which has no item {step}"
        )


@pytest.mark.parametrize(
    "doc",
    [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted(DOCS.glob("*.md"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_link_of_a_doc_leads_to_a_file_of_the_repository(doc):
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if "://" not in target:
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links {target}, which does not exist"


def test_the_readme_links_every_doc_and_shows_every_screenshot():
    readme = ROOT / "README.md"
    linked = {(ROOT / target).resolve() for target in LINK.findall(readme.read_text(encoding="utf-8"))}
    shown = {
        (ROOT / target).resolve()
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", readme.read_text(encoding="utf-8"))
    }
    assert not {p.resolve() for p in DOCS.glob("*.md")} - linked
    screenshots = {p.resolve() for p in DOCS.glob("dashboard-*.png")}
    assert screenshots and not screenshots - shown
