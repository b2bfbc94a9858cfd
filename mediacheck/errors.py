"""Our words for what the operating system says went wrong.

`strerror` is English ("No such file or directory") whatever the user's language, so a Vietnamese
sentence must never quote it. `os_code` turns an OSError into a short code, and `os_reason` says
that code in the user's language (catalog ids `os_<code>`); an errno we have no words for keeps
its symbolic name (`EIO`), which a technician can look up.
"""

from __future__ import annotations

import errno

CODES = {
    errno.ENOENT: "not-found",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EISDIR: "is-folder",
    errno.ENOTDIR: "not-folder",
    errno.ENOSPC: "no-space",
    errno.EROFS: "read-only",
    errno.EIO: "io",
    errno.ENAMETOOLONG: "name-too-long",
    errno.ELOOP: "loop",
    errno.EEXIST: "exists",
}


def os_code(exc: OSError) -> str:
    """`not-found`, `permission`, ... or `other:EXDEV` for an errno without words of ours."""
    code = CODES.get(exc.errno or 0)
    if code is not None:
        return code
    name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    return f"other:{name}"


def os_reason(exc: OSError | str, lang: str) -> str:
    """The reason of an OSError (or of a code from `os_code`) in `lang`."""
    from mediacheck.i18n import t

    code = exc if isinstance(exc, str) else os_code(exc)
    if code.startswith("other:"):
        return t("os_other", lang, name=code.partition(":")[2])
    return t(f"os_{code.replace('-', '_')}", lang)
