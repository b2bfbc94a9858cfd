"""`mediacheck serve --install-shortcut`: a launcher a teacher double-clicks instead of typing.

- Windows: a `.lnk` on the Desktop and in the Start menu, made by a small PowerShell script
  (WScript.Shell) that receives every path as an argument (no string is pasted into code), run
  with an argument list; the launcher runs `python.exe -m mediacheck serve` in a console window
  that shows the address and stops the page when closed.
- Linux: a `.desktop` file in `~/.local/share/applications` and on the Desktop.
- macOS: a `.command` file on the Desktop (Terminal runs it on double-click).

A launcher file we did not write is never overwritten (ours carry `MARKER`); ours are replaced
atomically (temporary name, then rename) so a rerun after moving Python fixes the launcher.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from mediacheck.web.pages import tr

MARKER = "mediacheck-launcher"
FILE_STEM = "mediacheck"

POWERSHELL_SCRIPT = r"""param([string]$Link, [string]$Target, [string]$Arguments,
      [string]$WorkDir, [string]$Description)
$shell = New-Object -ComObject WScript.Shell
$shortcut = $shell.CreateShortcut($Link)
$shortcut.TargetPath = $Target
$shortcut.Arguments = $Arguments
$shortcut.WorkingDirectory = $WorkDir
$shortcut.Description = $Description
$shortcut.Save()
"""


class ShortcutRefused(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def launch_command() -> list[str]:
    """What the launcher runs: this Python, this mediacheck."""
    return [sys.executable, "-m", "mediacheck", "serve"]


def desktop_entry(lang: str) -> str:
    """A freedesktop.org launcher (Exec quoted by its own rules: double quotes, escapes)."""
    exec_line = " ".join(_desktop_quote(a) for a in launch_command())
    return ("[Desktop Entry]\nType=Application\nVersion=1.0\n"
            f"Name={tr('shortcut_name', lang)}\nComment={tr('shortcut_comment', lang)}\n"
            f"Exec={exec_line}\nTerminal=true\nCategories=Education;Graphics;\n"
            f"X-{MARKER}=true\n")


def _desktop_quote(arg: str) -> str:
    if not any(ch in arg for ch in ' \t\n"\'\\><~|&;$*?#()`%='):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace(
        "$", "\\$").replace("%", "%%")
    return f'"{escaped}"'


def command_file() -> str:
    """The macOS `.command` launcher: a shell script with every argument quoted."""
    return (f"#!/bin/sh\n# {MARKER}\n"
            f"exec {' '.join(shlex.quote(a) for a in launch_command())}\n")


def windows_shortcut_command(link: Path, script: Path, lang: str) -> list[str]:
    """The PowerShell call that writes `link` (an argument list; paths are parameters)."""
    python, *args = launch_command()
    return ["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
            "-File", str(script), "-Link", str(link), "-Target", python,
            "-Arguments", subprocess.list2cmdline(args), "-WorkDir", str(Path.home()),
            "-Description", f"{tr('shortcut_comment', lang)} ({MARKER})"]


def install(lang: str) -> list[Path]:
    if sys.platform == "win32":
        return _install_windows(lang)
    if sys.platform == "darwin":
        return [_write(_desktop() / f"{FILE_STEM}.command", command_file())]
    entry = desktop_entry(lang)
    targets = [_xdg_data() / "applications" / f"{FILE_STEM}.desktop"]
    if _desktop().is_dir():
        targets.append(_desktop() / f"{FILE_STEM}.desktop")
    return [_write(path, entry) for path in targets]


def _desktop() -> Path:
    from platformdirs import user_desktop_dir

    return Path(user_desktop_dir())


def _xdg_data() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _write(path: Path, text: str) -> Path:
    """Write a launcher atomically, executable; never over a file that is not ours."""
    if path.exists():
        try:
            ours = MARKER in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            ours = False
        if not ours:
            raise ShortcutRefused(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".mediacheck-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o755)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _install_windows(lang: str) -> list[Path]:  # pragma: no cover - runs on Windows only
    start_menu = Path(os.environ.get("APPDATA", Path.home())) / (
        "Microsoft/Windows/Start Menu/Programs")
    links = [_desktop() / f"{FILE_STEM}.lnk", start_menu / f"{FILE_STEM}.lnk"]
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "shortcut.ps1"
        script.write_text(POWERSHELL_SCRIPT, encoding="utf-8-sig")
        for link in links:
            link.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(windows_shortcut_command(link, script, lang), check=True,
                           capture_output=True, timeout=60)
    return links
