"""Abri: a calm terminal companion for people facing online harassment."""

__version__ = "0.1.0"
