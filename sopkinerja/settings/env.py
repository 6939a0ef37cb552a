"""Reading the environment: one helper per kind of value. A number that is not one stops the start
with the variable's name, instead of a bare ValueError from int() or float()."""

import os

from django.core.exceptions import ImproperlyConfigured


def truthy(text: str) -> bool:
    """ "1", "true", "yes" or "on" (any case, spaces around ignored); anything else is false."""
    return text.strip().lower() in {"1", "true", "yes", "on"}


def envbool(name: str, default: bool) -> bool:
    return truthy(os.environ.get(name, str(default)))


def envlist(name: str, default: str) -> list[str]:
    """A comma-separated list; empty items are dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envint(name: str, default: int) -> int:
    text = os.environ.get(name, str(default))
    try:
        return int(text)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {text!r}.") from None


def envfloat(name: str, default: float) -> float:
    text = os.environ.get(name, str(default))
    try:
        return float(text)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {text!r}.") from None


def envintlist(name: str, default: str) -> list[int]:
    """A comma-separated list of whole numbers."""
    try:
        return [int(item) for item in envlist(name, default)]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be whole numbers separated by commas, not {os.environ.get(name, default)!r}."
        ) from None
