"""Report writers, one per format, and the variants of them seen in the wild (FORMATS.md 2-6b)."""
