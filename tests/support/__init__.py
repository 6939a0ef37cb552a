"""Test and benchmark support that is not application code: province-size data (scale.py, behind
`manage.py seed_scale`).
"""
