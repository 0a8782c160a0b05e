"""User-code fixtures for nnderive check (a package only so that its conftest.py has a name of its own)."""
