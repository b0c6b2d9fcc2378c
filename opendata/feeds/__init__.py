"""Atom feeds of the public record: what a reader subscribes to instead of polling `/changes`."""
