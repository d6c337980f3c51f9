"""Capture, look-ups and "still online?" checks: the only parts of Abri that go online.

Nothing here runs unless the person asks (``abri capture``, ``abri recheck``, or the
matching key in the evidence table).  Every request, the browser's included, goes
through :class:`tui.capture.proxy.FilteringProxy`, which lets only public internet
addresses on ports 80 and 443 through.  This package reads the core (model, storage)
and never imports the UI; results are staged files plus structured records, put into
the case by :func:`tui.capture.apply.apply_capture` and
:func:`tui.capture.apply.apply_checks`.
"""
