"""The edges of Arraigo: the ``arraigo`` command line (and, later, the HTTP service
and its pages). Nothing imports this package."""

__all__: list[str] = []
