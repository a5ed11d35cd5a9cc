"""fastgen: complete, wired, tested FastAPI resources from one line."""

__version__ = "0.1.0"
