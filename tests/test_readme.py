"""README and user guide snippets run as written and print what they show."""

import doctest
import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
#: Fenced Python blocks of a Markdown file.
FENCE = re.compile(r"^```(python|pycon|py)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def markdown_snippets(path):
    """The Python blocks of a Markdown file, in order."""
    return [m.group(2) for m in FENCE.finditer(path.read_text(encoding="utf-8"))]


def run_doctest(text, name, path):
    """Run ``text`` as one doctest session; return (failed, attempted, report)."""
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {"__name__": "__readme__"}, name, str(path), 0)
    lines = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    with warnings.catch_warnings():
        # a snippet that warns (cv folds larger than a class) is not as written
        warnings.simplefilter("error")
        result = runner.run(test, out=lines.append)
    return result.failed, result.attempted, "".join(lines)


def test_readme_python_is_shown_as_sessions():
    snippets = markdown_snippets(ROOT / "README.md")
    assert snippets, "README.md has no Python snippet"
    for snippet in snippets:
        # a script block whose last line is a bare expression prints nothing
        assert snippet.lstrip().startswith(">>>"), snippet[:200]


def test_readme_snippets_run_and_print_what_they_show():
    # one session, in order: a later block may use an earlier block's names
    text = "\n".join(markdown_snippets(ROOT / "README.md"))
    failed, attempted, report = run_doctest(text, "README.md", ROOT / "README.md")
    assert attempted > 10
    assert failed == 0, report


def test_runner_catches_a_wrong_output():
    failed, attempted, _ = run_doctest(">>> 1 + 1\n3\n", "wrong", ROOT / "README.md")
    assert (failed, attempted) == (1, 1)
    failed, _, _ = run_doctest(
        ">>> import warnings\n>>> warnings.warn('cv')\n", "warns", ROOT / "README.md"
    )
    assert failed == 1


@pytest.mark.parametrize("name", ["user_guide.rst"])
def test_docs_snippets_run_and_print_what_they_show(name):
    path = ROOT / "docs" / name
    failed, attempted, report = run_doctest(
        path.read_text(encoding="utf-8"), name, path
    )
    assert failed == 0, report
