"""Message catalogues (gettext): ``id/LC_MESSAGES/rexdecl.po`` and its compiled ``.mo``.

After adding or changing messages, run ``python -m rexdecl.locale.update`` from the project
folder: it re-extracts the messages (``babel.cfg``), updates ``rexdecl.pot`` and the .po
files, compiles the .mo files and lists the msgids still to translate (see ``update.py``).
"""
