"""Write paths. Each function validates what it writes and runs in one transaction.

- sop.py:  SOP documents and employees.
- runs.py: SOP runs: start, submit, approve, send back, cancel, read a disposisi.
"""
