"""What users see: texts and keyboards, one module per feature, shared labels in `labels`.

Views know aiogram (keyboards, gettext) but not the database: they render values that services
return. Handlers and the background jobs in `bot/jobs/` both import them.
"""
