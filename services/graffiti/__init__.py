"""Graffiti photo reports: the conversation, duplicates, the wall's handle, crews' exports."""
