"""Workspace and console pages for matchmaking, one module per audience: introductions
(vendors and buyers), briefs (buyers), console (officers' queue, review, pipeline) and
dashboard (analytics, operations). Every view states who may open it; the services
make the decisions (and audit them), exactly as the API does."""
