"""Juror-facing voting: the task queue, votes, ranking ballots and flags."""
