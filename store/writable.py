"""A store folder the refresh cannot write: one error that says which folder and which permission.

Why: the refresh writes its lock file, its snapshot and the run log into the
store. When the folder belongs to another user or sits on a read-only disk, the
operating system's error names one file deep inside it, and reached operators
as a traceback. This error names the store folder, what the system refused and
as which user, and what to change.

Example:
    >>> error = PermissionError(13, "Permission denied", "/srv/bb/store/.refresh.lock")
    >>> print(StoreNotWritableError(Path("/srv/bb/store"), error))  # doctest: +ELLIPSIS
    The store folder /srv/bb/store cannot be written: Permission denied (/srv/bb/store/...). ...
"""

from __future__ import annotations

import errno
import os
import pwd
from pathlib import Path

NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
"""What the system says when a folder cannot be written: no permission, or a read-only disk."""


class StoreNotWritableError(Exception):
    """The refresh could not write into the store folder; nothing was changed."""

    def __init__(self, store_dir: Path, error: OSError) -> None:
        self.store_dir = store_dir
        self.path = error.filename
        reason = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename else ""
        super().__init__(
            f"The store folder {store_dir} cannot be written: {reason}{where}. A refresh "
            f"writes its lock file, snapshots and run log there, as user {_current_user()}: "
            "give that user write permission to the folder, or set [workspace] store to a "
            "folder it can write. The last good snapshot stays in force."
        )


def is_not_writable(error: OSError) -> bool:
    """True for the errors that mean "cannot write here" (not, say, a full disk).

    >>> is_not_writable(PermissionError(13, "Permission denied")), is_not_writable(OSError(28, "x"))
    (True, False)
    """
    return error.errno in NOT_WRITABLE


def _current_user() -> str:
    uid = os.geteuid()
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"
