"""The web app (an interface): FastAPI routes over the public API, a run store and workers.

* :mod:`~gigafactory.web.app`: :func:`create_app`;
* :mod:`~gigafactory.web.api`: the JSON API; :mod:`~gigafactory.web.pages`: the HTML pages;
* :mod:`~gigafactory.web.store`: runs in SQLite or PostgreSQL (SQLAlchemy);
* :mod:`~gigafactory.web.worker`: a bounded pool of worker processes.
"""

from gigafactory.web.app import MAX_BODY_BYTES, create_app

__all__ = ["MAX_BODY_BYTES", "create_app"]
