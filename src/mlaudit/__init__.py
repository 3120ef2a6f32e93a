"""mlaudit — an MLOps maturity audit of a repository, per quality and per artifact."""

__version__ = "0.1.0"
