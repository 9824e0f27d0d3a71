"""Command line: one module per command group, each thin (parse, call the stage, format)."""
