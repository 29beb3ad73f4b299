"""The package's version (the facade ``sim.__version__`` and run manifests read it here)."""

__version__ = "0.2.0"
