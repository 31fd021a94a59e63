"""Live server-sent event streams of new objects in a collection (`GET /api/v1/streams/{id}`).

`notify` wakes waiting streams (in-process, and across processes through PostgreSQL
LISTEN/NOTIFY); `events` reads what a stream sends and renders it as SSE; `routes` is the router.
"""
