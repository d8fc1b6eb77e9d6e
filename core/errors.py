"""Errors that carry a message meant for the person at the keyboard."""


class UserInputError(ValueError):
    """Bad input from a person (CLI argument, form field); the message says what to fix."""
