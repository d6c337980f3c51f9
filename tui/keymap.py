"""Every key binding that a keymap can change: id, default keys, what it does.

The keymap itself lives in the settings file (``[keymap]``, see
:mod:`tui.settings`) and is applied with Textual's ``App.set_keymap``.  This
module finds the bindings that have an id, in the app and in every screen and
widget module, so that help can say which keymap entries name no binding and
``docs/keys.md`` can be checked against the code.  It imports every screen, so
it is used on demand (help, tests), never at start-up.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class BindingInfo:
    """One binding that has an id (what ``[keymap]`` can change)."""

    id: str
    keys: str
    """Default keys, comma-separated, as in the code."""
    description: str
    """The message key of its description (``"calm.key.skip"``), or Textual's text."""
    owner: str
    """``module.Class`` that declares it."""


def _modules() -> list[str]:
    import tui.screens
    import tui.widgets

    names = ["tui.app"]
    for package in (tui.screens, tui.widgets):
        names += [
            f"{package.__name__}.{info.name}"
            for info in pkgutil.iter_modules(package.__path__)
            if not info.name.startswith("_")
        ]
    return names


def bindings() -> dict[str, BindingInfo]:
    """Binding id -> its default, for every binding of Abri that has an id."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    found: dict[str, BindingInfo] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, DOMNode)):
                continue
            if value.__module__ != module.__name__:
                continue  # imported from elsewhere: listed where it is declared
            for binding in value.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    found.setdefault(
                        binding.id,
                        BindingInfo(
                            binding.id,
                            binding.key,
                            binding.description,
                            f"{module.__name__}.{value.__qualname__}",
                        ),
                    )
    return found
