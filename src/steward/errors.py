"""The root of Steward's exception hierarchy.

Every error a user can cause derives from :class:`StewardError`; the command line
turns these into a plain message and a non-zero exit status, never a traceback.
"""


class StewardError(Exception):
    """An error a user can cause and fix; its message is safe to show them.

    Messages never carry personal data or key material.
    """
