"""click's own user-facing texts ("Usage:", "Error: ...", "Missing argument"), listed here so
the catalogue extraction picks them up and they get their Indonesian translation.

click looks them up through the standard ``gettext`` functions; :func:`rexdecl.i18n.set_language`
points those at rexdecl's catalogue. The msgids must stay exactly as in click's source.
This function is never called: it only marks the messages for extraction.
"""

from rexdecl.i18n import N_, ngettext


def _marked() -> tuple[str, ...]:  # pragma: no cover - extraction only
    return (
        N_("Usage:"),
        N_("Options"),
        N_("Commands"),
        N_("Missing command."),
        N_("Aborted!"),
        ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1),
        ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
        N_("Missing argument"),
        N_("Missing option"),
        N_("Missing parameter"),
        N_("Missing parameter: {param_name}"),
        N_("Invalid value for {param_hint}: {message}"),
        N_("Invalid value: {message}"),
        N_("Error: {message}"),
        N_("Try '{command} {option}' for help."),
        N_("No such option {name!r}."),
        N_("No such command {name!r}."),
        N_("Choose from:\n\t{choices}"),
        ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1),
        N_("{value!r} is not a valid {number_type}."),
        N_("{name} {filename!r} does not exist."),
        N_("{name} {filename!r} is a file."),
        N_("{name} {filename!r} is a directory."),
        N_("{name} {filename!r} is not readable."),
        N_("{name} {filename!r} is not writable."),
        N_("file"),
        N_("directory"),
        N_("path"),
        N_("Show the version and exit."),
        N_("Show this message and exit."),
        N_("default: {default}"),
    )
