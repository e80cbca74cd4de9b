"""Which languages the bot speaks, and how a volunteer's language is chosen."""

# English is the source language of every message; Russian and Kazakh have catalogs.
SUPPORTED_LOCALES = ("ru", "kk", "en")
DEFAULT_LOCALE = "ru"
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}


def pick_locale(chosen: str | None, telegram_language: str | None) -> str:
    """The volunteer's choice, else Telegram's language, else Russian."""
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if telegram_language:
        base = telegram_language.split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return DEFAULT_LOCALE
