"""`mediacheck fix`: plan first (dry run), then build a compliant copy in a new folder."""
