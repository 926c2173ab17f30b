"""Signals stage 1 sends for later stages to act on, so stage 1 never imports them.

`profile_ready(sender=NeedsProfile, profile, run)`: a needs profile has finished computing
and its aggregates are saved (sent from the worker, after the profile's transaction
commits). Stage 4 listens to write the profile's library-indicator values.
"""

from django.dispatch import Signal

profile_ready = Signal()
