"""Before the desk window starts: is there a display, and are the system libraries Qt needs there?

Without this, a fresh Debian/Ubuntu machine gets Qt's own abort ("could not load the Qt platform
plugin") after the data folder's lock was taken. Here the check runs first, names the one
``apt-get install`` line that fixes it (and runs it when the desk is started as root), and never
imports Qt, so nothing can abort half-way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

# The shared libraries Qt's platform plugins load, by the Debian/Ubuntu package that has them. A
# library missing from this table is still reported, by its own name.
DEBIAN_PACKAGES: Mapping[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
}
# Qt finds no font at all without one installed (it then prints warnings and shows empty boxes).
FONT_PACKAGE = "fonts-dejavu-core"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class DesktopProblem:
    message: str
    packages: tuple[str, ...] = ()  # Debian packages that fix it, if any

    @property
    def install_line(self) -> str:
        return "sudo apt-get install -y " + " ".join(self.packages) if self.packages else ""


def qt_platform(env: Mapping[str, str]) -> str:
    """The platform plugin Qt will load: QT_QPA_PLATFORM if set, else what the session offers."""
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if chosen:
        return chosen
    if sys.platform != "linux":
        return "native"
    if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
        return "wayland"
    return "xcb"


def plugins_dir() -> Path | None:
    spec = find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"


def missing_libraries(plugin: Path, run: Callable[[Sequence[str]], str] | None = None) -> list[str]:
    """Shared libraries the plugin needs that the system does not have (read with ``ldd``)."""
    run = run or _ldd_output
    out = run(["ldd", str(plugin)])
    missing = []
    for line in out.splitlines():
        name, _, found = line.strip().partition("=>")
        if found.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def _ldd_output(command: Sequence[str]) -> str:
    done = subprocess.run(list(command), capture_output=True, text=True, check=False, timeout=30)
    return done.stdout


def find_problems(env: Mapping[str, str], *, plugins: Path | None = None,
                  run: Callable[[Sequence[str]], str] | None = None,
                  font_dirs: Sequence[Path] = FONT_DIRS) -> list[DesktopProblem]:
    """What stops the desk window opening here, in plain words; empty when it can start."""
    if sys.platform != "linux":
        return []
    platform = qt_platform(env)
    problems = []
    if platform == "xcb" and not env.get("DISPLAY"):
        problems.append(DesktopProblem(
            "There is no display to open the desk window on (DISPLAY is not set). Start SafeSpace Desk "
            "from the desktop, or on a machine with no screen try it under a virtual one: "
            "xvfb-run -a make run"))
    if platform == "wayland" and not env.get("WAYLAND_DISPLAY"):
        problems.append(DesktopProblem("There is no display to open the desk window on (WAYLAND_DISPLAY "
                                       "is not set). Start SafeSpace Desk from the desktop."))
    folder = plugins if plugins is not None else plugins_dir()
    plugin = folder / f"libq{platform}.so" if folder is not None else None
    if plugin is not None and plugin.exists() and (run is not None or shutil.which("ldd") is not None):
        missing = missing_libraries(plugin, run)
        if missing:
            packages = tuple(dict.fromkeys(DEBIAN_PACKAGES.get(name, "") for name in missing if name in
                                           DEBIAN_PACKAGES))
            unknown = [name for name in missing if name not in DEBIAN_PACKAGES]
            message = ("The desk window needs system libraries that this computer does not have: "
                       + ", ".join(missing) + ".")
            if unknown:
                message += " Ask whoever looks after this computer to install the packages that hold " + \
                           ", ".join(unknown) + "."
            problems.append(DesktopProblem(message, packages))
    if not any(_has_fonts(folder) for folder in font_dirs):
        problems.append(DesktopProblem("No fonts are installed, so the desk window would show no text.",
                                       (FONT_PACKAGE,)))
    return problems


def _has_fonts(folder: Path) -> bool:
    if not folder.is_dir():
        return False
    return any(path.suffix.lower() in (".ttf", ".otf", ".pcf", ".gz") for path in folder.rglob("*"))


def packages_to_install(problems: Sequence[DesktopProblem]) -> list[str]:
    return list(dict.fromkeys(pkg for problem in problems for pkg in problem.packages))


def install_packages(packages: Sequence[str], run: Callable[[list[str]], int] | None = None) -> bool:
    """As root: ``apt-get install`` the packages (after an update). True when it worked."""
    run = run or (lambda command: subprocess.run(command, check=False).returncode)
    env_cmd = ["env", "DEBIAN_FRONTEND=noninteractive"]
    if run([*env_cmd, "apt-get", "update", "-qq"]) != 0:
        return False
    return run([*env_cmd, "apt-get", "install", "-y", "-qq", *packages]) == 0


def report(problems: Sequence[DesktopProblem]) -> str:
    """The text printed before the program stops: every problem, then the one line that fixes them."""
    lines = [problem.message for problem in problems]
    packages = packages_to_install(problems)
    if packages:
        lines.append("On Debian or Ubuntu, install them with:")
        lines.append("    sudo apt-get install -y " + " ".join(packages))
    return "\n".join(lines)


def check_desktop(env: Mapping[str, str] | None = None, *, is_root: bool | None = None,
                  install: Callable[[Sequence[str]], bool] | None = None,
                  find: Callable[[Mapping[str, str]], list[DesktopProblem]] = find_problems) -> str | None:
    """None when the window can start; otherwise what to tell the person starting it.

    Run as root (a kiosk being set up), the missing packages are installed and the check repeated.
    """
    env = os.environ if env is None else env
    problems = find(env)
    packages = packages_to_install(problems)
    root = (os.geteuid() == 0) if is_root is None else is_root
    # Packagers and tests can say "never install" (SAFESPACE_INSTALL_SYSTEM_PACKAGES=0).
    root = root and env.get("SAFESPACE_INSTALL_SYSTEM_PACKAGES", "1") != "0"
    if install is None and shutil.which("apt-get") is not None:
        install = install_packages
    if packages and root and install is not None:
        print("Installing what the desk window needs: " + " ".join(packages), file=sys.stderr)
        if install(packages):
            problems = find(env)
    return report(problems) if problems else None
