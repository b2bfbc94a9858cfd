"""mediacheck: check event photos and videos against a written media policy (Phụ lục 2)."""

__version__ = "0.1.0"
