"""Whether anything of an update was committed: the error handler's answer depends on it.

The database middleware (bot/middlewares/db.py) marks it after each commit of the update's
session; the error handler (handlers/errors.py) reads it to tell "nothing was saved" from "your
work was saved, only the reply failed".
"""

from sqlalchemy.orm import Session


class UpdateWork:
    def __init__(self) -> None:
        self.committed = False

    def mark(self, _session: Session) -> None:
        self.committed = True
