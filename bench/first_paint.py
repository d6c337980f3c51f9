"""Start a Textual app and quit as soon as its first frame is on screen.

``python bench/first_paint.py hello``          a bare Textual "hello" app (the reference)
``python bench/first_paint.py abri [ARGS...]`` Abri through its real command line

Both go through the same hook: Textual posts ``events.Ready`` to the app once
the DOM is ready and the first frame has been displayed; a handler installed on
Textual's base ``App`` class (which defines none) waits from there until the
app shows a usable screen (see ``_usable``), lets it paint, and exits.  So the two
programs are measured the same way, from process start to first paint (plus
the same shutdown), without any cooperation from the app's own code.
Run it in a terminal (the bench gives it a pseudo-terminal of 80×24).
"""

from __future__ import annotations

import sys


def _usable(app: object) -> bool:
    """Is the app showing one of its own screens, not a blank one?

    An app with modes may stand on a blank ``Screen`` first (Textual's default
    screen, or Abri's "start" mode while a case is being opened) and then switch or
    push its first real screen: only a screen of the app's own class is usable.
    Abri starts straight in the calm steps when the case is small (a large one
    shows its "opening" screen first).  An app without modes (the hello app) is
    usable at once.
    """
    from textual.app import App
    from textual.screen import Screen

    assert isinstance(app, App)
    if not app.MODES:
        return True
    return type(app.screen) is not Screen


def _exit_on_first_paint() -> None:
    from textual.app import App

    def on_ready(self: App[object]) -> None:
        def check() -> None:
            if _usable(self):
                timer.stop()
                # After the next refresh the usable screen is on the terminal.
                self.screen.call_after_refresh(self.exit)

        timer = self.set_interval(0.005, check)
        check()

    # Textual looks handlers up class by class along the MRO; App has no on_ready.
    App.on_ready = on_ready  # type: ignore[attr-defined]


def hello() -> int:
    """The reference: the smallest useful Textual app."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Static

    class Hello(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")
            yield Footer()

    Hello().run()
    return 0


def main(argv: list[str]) -> int:
    """Run the app named by ``argv[0]``; returns its exit code."""
    _exit_on_first_paint()
    if argv[:1] == ["hello"]:
        return hello()
    if argv[:1] == ["abri"]:
        from tui.cli import main as abri

        return abri(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
