"""Issue 23: `wearsync completion SHELL` prints a script the shell loads, needing only wearsync on PATH."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wearsync.cli import main

BIN = Path(sys.executable).parent  # the venv's own `wearsync`


def completion(shell: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "wearsync"), "completion", shell], capture_output=True, text=True, timeout=60, check=True
    )


# In a real bash, as at a prompt: the script loaded by the README's line, then Tab on each line
# (what bash sets up for the function `complete -F` names, and calls it with).
COMPLETE_IN_BASH = r"""
eval "$(wearsync completion bash)"
function=$(complete -p wearsync | sed -E 's/.* -F ([^ ]+) .*/\1/')
for line in "wearsync rep" "wearsync report --w"; do
    COMP_LINE=$line COMP_POINT=${#line} COMP_TYPE=9
    "$function" wearsync "${line##* }" wearsync
    echo "$line => ${COMPREPLY[*]}"
done
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_the_bash_script_completes_commands_and_options_in_bash():
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", COMPLETE_IN_BASH],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": f"{BIN}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": os.environ["HOME"]},
    )
    assert done.stderr == ""
    assert done.stdout.splitlines() == ["wearsync rep => report ", "wearsync report --w => --week --weeks"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_script_registers_wearsync_and_its_shell_reads_it(shell):
    script = completion(shell).stdout
    assert "wearsync" in script and "_ARGCOMPLETE" in script
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed: its syntax check is left out")
    checked = subprocess.run([shell, "-n"], input=script, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_an_unknown_shell_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["completion", "tcsh"])
    assert exited.value.code == 2
    assert "invalid choice: 'tcsh'" in capsys.readouterr().err
