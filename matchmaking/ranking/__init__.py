"""The matchmaking ranker: plain Python + scikit-learn, no Django.

``data`` holds the plain inputs, ``features`` turns (brief, candidate vendors) into a
named feature matrix, ``ranker`` scores it (prior weights or a learned model) and
``explain`` turns real per-feature contributions into reasons in plain words.
"""
