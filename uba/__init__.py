"""User-behaviour analytics for Confluence: find the accounts that mine the wiki."""

from uba._version import __version__

__all__ = ["__version__"]
