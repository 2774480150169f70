"""detector: find inauthentic accounts, posts and coordinated networks behind calls to action."""

__version__ = "0.1.0"
