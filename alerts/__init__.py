"""Alerts and digests: the dashboard's numbers brought to the people who act on them.

After every refresh the workspace's ``[[alerts]]`` rules are evaluated on the new
snapshot (``alerts/evaluate.py``), worded as a message a leader can act on
(``alerts/message.py``), and sent once per state and channel through Apprise
(``alerts/dispatch.py``, ``alerts/channels.py``); the run log remembers what was
sent (``store/alert_log.py``). ``alerts/replay.py`` evaluates the rules as they
would have fired on an earlier day; ``alerts/digest.py`` writes the weekly digest.
See docs/ALERTS.md.

Import from the submodules; like every package root, this one imports nothing.
"""
