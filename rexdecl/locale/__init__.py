"""Message catalogues (gettext): ``id/LC_MESSAGES/rexdecl.po`` and its compiled ``.mo``."""
