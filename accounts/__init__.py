"""People and who they are: users (role, team, language, time zone), teams,
login and the language switch, API tokens, and the audit log every change
writes to (``services.audit_record``).

The lowest app: it imports no other. ``permissions`` holds the role rules
other apps build on; ``selectors.team_manager`` is the one answer to "who is
this team's manager".
"""
