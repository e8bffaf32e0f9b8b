"""The chapters of the explainer: NAME.py draws, NAME.toml holds its words and facts; story.toml orders them."""
