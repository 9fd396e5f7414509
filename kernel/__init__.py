"""The shared kernel: settings, database, errors, shared types, audit trail, reference data.

It sits at the bottom of the house and imports nothing of ours but ``matcher``
(see ARCHITECTURE.md).
"""
