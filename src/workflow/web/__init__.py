"""The service: a FastAPI application on the same wiring and use cases as the command line.

``create_app(application)`` builds it; ``workflow serve`` runs it under uvicorn with the
scheduler in the process. The REST API lives under ``/api/v1``.
"""

from workflow.web.app import create_app

__all__ = ["create_app"]
