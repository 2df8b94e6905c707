"""Latency and placement: round-trip times from sites to user regions, and the placement LP.

* :mod:`~gigafactory.placement.latency`: fibre and LEO round-trip times, user regions;
* :mod:`~gigafactory.placement.lp`: which users are served from where, under an SLO.
"""
