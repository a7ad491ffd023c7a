"""sitegen: a static site generator for news (raw wire text -> articles -> site)."""

__version__ = "0.1.0"
