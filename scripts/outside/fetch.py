"""Get HIPS autograd's sdist (MIT licence) into a cache directory, at run time.

Nothing of autograd's is committed to this repository: ``pip download``
fetches the sdist, which is unpacked under ``DIR/autograd-VERSION``."""

import glob
import os
import subprocess
import sys
import tarfile

VERSION = "1.9.1"
DEFAULT_DIR = os.path.join(os.path.expanduser("~"), ".cache", "srcgrad", "outside")


def source_dir(cache_dir=DEFAULT_DIR, version=VERSION):
    """The unpacked sdist (``examples/``, ``tests/``), downloading it if needed."""
    root = os.path.join(cache_dir, "autograd-%s" % version)
    if os.path.isdir(os.path.join(root, "examples")) and os.path.isdir(os.path.join(root,
                                                                                    "tests")):
        return root
    os.makedirs(cache_dir, exist_ok=True)
    archives = glob.glob(os.path.join(cache_dir, "autograd-%s.tar.gz" % version))
    if not archives:
        subprocess.run([sys.executable, "-m", "pip", "download", "autograd==%s" % version,
                        "--no-deps", "--no-binary", ":all:", "-d", cache_dir, "-q"],
                       check=True)
        archives = glob.glob(os.path.join(cache_dir, "autograd-%s.tar.gz" % version))
    if not archives:
        raise SystemExit("pip download produced no autograd-%s.tar.gz in %s"
                         % (version, cache_dir))
    with tarfile.open(archives[0]) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("autograd-%s/" % version)
                   and ".." not in m.name and not m.issym() and not m.islnk()]
        tar.extractall(cache_dir, members=members)
    return root
