"""Events over the API.

Who may call what (tests/events/test_events_api.py and the authorization matrix prove
that others cannot):

* ``events/`` — list and read: anyone signed in; create and change: officers.
* ``events/{slug}/participants`` — GET: officers and the event's approved participants
  (nobody else, not another event's); POST (register): a firm's or buyer's member for
  its own organisation, officers for anyone.
* ``events/{slug}/me`` — the caller's own registration (GET, PATCH).
* ``events/{slug}/suggestions`` — the caller's suggested counterparts (approved
  participants).
* ``events/{slug}/meetings`` — GET: officers all, participants their own; POST: an
  approved participant asks another for a meeting.
* ``events/{slug}/agenda`` (JSON) and ``events/{slug}/agenda.ics`` — the caller's
  agenda (participants; officers may name ``?participant=``).
* ``events/{slug}/schedule`` (POST, 202 with the job) and ``event-analytics``
  (JSON or ``?format=csv``) — officers.
* ``event-participants/{id}/approve|reject`` — officers.
* ``event-meetings/{id}/accept|decline`` — the side that was asked; ``cancel`` — either
  side or an officer; ``note`` — either side, its own private note; ``attendance`` and
  ``introduce`` — officers.
"""
