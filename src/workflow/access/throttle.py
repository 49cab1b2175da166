"""Login throttling, counted in the store so every worker and host counts the same.

An account is held after 5 failed logins in 15 minutes, an address after 20 (a guess
at many accounts from one place); argon2 costs tens of milliseconds a try, so an
unthrottled login is also a lever for exhausting the server.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.errors import Throttled
from workflow.store.access_records import LoginAttemptRecord

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


def check_login_allowed(session: Session, account: str, address: str, now: datetime) -> None:
    since = now - WINDOW
    for column, value, limit in (
        (LoginAttemptRecord.account, account, PER_ACCOUNT),
        (LoginAttemptRecord.address, address, PER_ADDRESS),
    ):
        count, first = session.execute(
            select(func.count(), func.min(LoginAttemptRecord.at)).where(
                column == value,
                LoginAttemptRecord.at > since,
                LoginAttemptRecord.succeeded.is_(False),
            )
        ).one()
        if count >= limit:
            raise Throttled(max(1, int((first + WINDOW - now).total_seconds())))


def record_login(
    session: Session, account: str, address: str, now: datetime, *, succeeded: bool
) -> None:
    session.add(
        LoginAttemptRecord(account=account[:64], address=address, at=now, succeeded=succeeded)
    )
