"""The plain data every stage passes on: scenarios and matrices, observations, reports, field paths.

Standard library only, and importing nothing else of portcheck's, so that a repro folder can
carry a copy of it.
"""
