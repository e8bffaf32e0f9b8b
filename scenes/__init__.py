"""Manim scenes of the NTK explainer: one file per chapter, all drawing numbers from ntkcore."""
