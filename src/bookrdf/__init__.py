"""bookrdf: publish book and chapter metadata as linked data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bookrdf")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
