"""paperkg: research-paper feeds in, a citation-and-similarity knowledge graph out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paperkg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
