"""Pieces that more than one chapter draws, used by composition (chapters never import chapters)."""
