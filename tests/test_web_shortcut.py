"""`mediacheck serve --install-shortcut`: the Linux launcher really written (and refusing to
overwrite a stranger's file), the Windows and macOS launchers checked by their content."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mediacheck.web import shortcut


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    monkeypatch.setenv("XDG_DESKTOP_DIR", str(tmp_path / "Desktop"))
    (tmp_path / "Desktop").mkdir()
    return tmp_path


@pytest.mark.skipif(sys.platform != "linux", reason="the .desktop launcher is for Linux")
def test_linux_launchers_are_written_by_the_command(home: Path) -> None:
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
           "XDG_DESKTOP_DIR": str(home / "Desktop")}
    done = subprocess.run([sys.executable, "-m", "mediacheck", "serve", "--install-shortcut"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    menu = home / ".local/share/applications/mediacheck.desktop"
    desktop = home / "Desktop/mediacheck.desktop"
    for path in (menu, desktop):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("[Desktop Entry]\n")
        assert f"Exec={sys.executable} -m mediacheck serve" in text or sys.executable in text
        assert "Terminal=true" in text and "Name=mediacheck" in text
        assert os.access(path, os.X_OK)
    assert str(menu) in done.stdout
    # the Exec line really starts the program (run it as a desktop would, with --help)
    exec_line = next(line for line in menu.read_text().splitlines() if line.startswith("Exec="))
    argv = exec_line[5:].split(" ")
    help_run = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=60)
    assert help_run.returncode == 0 and "--intake" in help_run.stdout
    # rerunning replaces our own launcher
    again = subprocess.run([sys.executable, "-m", "mediacheck", "serve", "--install-shortcut"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0


def test_a_strangers_file_is_never_overwritten(home: Path) -> None:
    target = home / "Desktop" / "mediacheck.desktop"
    target.write_text("[Desktop Entry]\nName=someone else's\n", encoding="utf-8")
    with pytest.raises(shortcut.ShortcutRefused):
        shortcut._write(target, shortcut.desktop_entry("vi"))
    assert "someone else's" in target.read_text(encoding="utf-8")


def test_desktop_exec_quoting() -> None:
    assert shortcut._desktop_quote("/usr/bin/python3") == "/usr/bin/python3"
    assert shortcut._desktop_quote("/home/cô giáo/py") == '"/home/cô giáo/py"'
    assert shortcut._desktop_quote('a"$b') == '"a\\"\\$b"'


def test_windows_shortcut_is_made_with_an_argument_list(tmp_path: Path) -> None:
    link = Path("C:/Users/Cô Giáo/Desktop/mediacheck.lnk")
    script = tmp_path / "shortcut.ps1"
    command = shortcut.windows_shortcut_command(link, script, "vi")
    assert command[:2] == ["powershell.exe", "-NoProfile"]
    assert command[command.index("-File") + 1] == str(script)
    assert command[command.index("-Link") + 1] == str(link)     # a parameter, never code
    assert command[command.index("-Target") + 1] == sys.executable
    assert command[command.index("-Arguments") + 1] == "-m mediacheck serve"
    assert "param(" in shortcut.POWERSHELL_SCRIPT and "CreateShortcut($Link)" in (
        shortcut.POWERSHELL_SCRIPT)
    assert "$Link" in shortcut.POWERSHELL_SCRIPT and str(link) not in shortcut.POWERSHELL_SCRIPT


def test_macos_command_file_quotes_every_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/Users/cô giáo/venv/bin/python")
    text = shortcut.command_file()
    assert text.startswith("#!/bin/sh\n")
    assert "exec '/Users/cô giáo/venv/bin/python' -m mediacheck serve" in text
