"""Watch stage (later issue): sanctions lists and vessel matches with evidence."""
