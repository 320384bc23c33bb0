"""The file system as repository content sees it: hostile; every file dgbot writes or reads goes through here.

`dgbot.fs.write` holds the one write primitive (no symlink followed, nothing outside the folder it
is given); `dgbot.fs.read` reads only regular files inside the repository, bounded. Errors are
`dgbot.errors.UnsafePathError`.
"""
