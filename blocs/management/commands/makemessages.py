from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages without msgmerge's fuzzy guesses: a guessed
    translation of a new string is worse than none (the suite then names it)."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
