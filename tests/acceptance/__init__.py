"""Acceptance suite: real export shapes through the command line, numbers computed by hand."""
