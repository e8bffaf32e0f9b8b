"""The one error type of the narration package: its message is meant to be printed as is."""


class NarrationError(Exception):
    """Something a user can fix (a missing voice package, a bad recording, an unknown step id).

    The message is one line that names the file or step and says what to do; the command line
    prints it without a traceback.
    """
