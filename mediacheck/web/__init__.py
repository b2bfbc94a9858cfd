"""`mediacheck serve`: a web page for teachers (local mode) and an intake portal for the office.

Routes are thin adapters like `cli.py` (`local.py`, `intake.py`); every call into the engine,
the reporters and `fix` goes through `jobs.py`; every security decision lives in `security.py`.
"""
