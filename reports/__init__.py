"""Figures for managers: the start page's portfolio totals and team table
(``selectors``), talk-track effectiveness per version with confidence
intervals (``effectiveness``, page in ``views``, API in ``api``). Money is
always per currency. Reads only; it changes nothing.
"""
