"""Trellis: the people side of a personalized-learning initiative."""
