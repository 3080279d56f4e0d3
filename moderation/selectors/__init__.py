"""Reads shaped for moderation pages, one module per area; each takes the viewer."""
