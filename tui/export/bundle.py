"""The verifiable bundle: the case file, its evidence folder, the exports, SHA256SUMS.

Unzipped anywhere, ``sha256sum -c SHA256SUMS`` checks every file: the lines are
``<hex>  <relative path>`` (two spaces, forward slashes), the format GNU coreutils
reads.  Pictures are stored without compression (they are compressed already);
text is deflated.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tui.export.common import CaseSource, ExportCancelled, evidence_dir, sha256_path

_STORED = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip", ".pdf", ".docx", ".mp4", ".mov"}


def _evidence_files(folder: Path) -> Iterator[Path]:
    """Regular files of the evidence folder, sorted; symlinks are never followed out.

    Hidden entries (the store's ``.backups`` of older case versions, markers,
    temporary files) are Abri's housekeeping, not evidence: they stay out.
    """
    if not folder.is_dir():
        return
    root = folder.resolve()
    for path in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_symlink() or not path.is_file():
            continue
        if not path.resolve().is_relative_to(root):
            continue
        yield path


def write_bundle(
    source: CaseSource,
    exports: list[Path],
    target: Path,
    *,
    cancel: threading.Event | None = None,
    cancel_message: str = "cancelled",
    bordereau: str = "",
) -> None:
    """Write the zip to ``target``: case file, evidence folder, ``exports/...``, SHA256SUMS.

    ``bordereau`` (the list of exhibits) is stored as ``BORDEREAU.txt`` and listed in
    SHA256SUMS like every other file, so pièce numbers lead to the files.
    """
    case_path = source.path
    folder = evidence_dir(source)
    members: list[tuple[Path, str]] = [(case_path, case_path.name)]
    for path in _evidence_files(folder):
        members.append((path, f"{folder.name}/{path.relative_to(folder).as_posix()}"))
    for path in exports:
        members.append((path, f"exports/{path.name}"))
    sums: list[str] = []
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        for path, name in members:
            if cancel is not None and cancel.is_set():
                raise ExportCancelled(cancel_message)
            method = zipfile.ZIP_STORED if path.suffix.lower() in _STORED else zipfile.ZIP_DEFLATED
            archive.write(path, name, compress_type=method)
            sums.append(f"{sha256_path(path)}  {name}\n")
        if bordereau:
            data = bordereau.encode("utf-8")
            archive.writestr("BORDEREAU.txt", data, compress_type=zipfile.ZIP_DEFLATED)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  BORDEREAU.txt\n")
        archive.writestr("SHA256SUMS", "".join(sums), compress_type=zipfile.ZIP_DEFLATED)
