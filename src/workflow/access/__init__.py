"""Staff access: users, roles on agency subtrees, sessions, API tokens, throttling, audit.

Nothing here knows HTTP: the service (``workflow.web``) and the command line
(``workflow user``, ``workflow token``) share these rules.
"""
