"""`cmake --install` of the build into a fresh prefix, shared by the packaging tests."""

import pathlib
import subprocess


def install(build_dir, prefix):
    """Installs the build at `prefix`; returns the prefix as a Path."""
    prefix = pathlib.Path(prefix)
    subprocess.run(["cmake", "--install", str(build_dir), "--prefix", str(prefix)], check=True, capture_output=True, timeout=120)
    return prefix
