"""Where the store may live: a local file system. SQLite's WAL mode, which lets the dashboard read
while a pull writes, keeps its index in shared memory beside the database; on a network file
system that memory is not shared between machines and its locks are unreliable, so two processes
can corrupt the store (SQLite's "WAL does not work over a network filesystem")."""

from __future__ import annotations

from pathlib import Path

from wearsync.errors import StoreError

MOUNTS = Path("/proc/self/mountinfo")
NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "davfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.davfs2",
    }
)


def file_system_type(folder: Path) -> str | None:
    """The type of the file system `folder` is on (Linux's mount table), or None where unknown."""
    try:
        table = MOUNTS.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not Linux
    target = str(folder.resolve())
    best, best_type = "", None
    for line in table.splitlines():
        fields, _, rest = line.partition(" - ")
        parts = fields.split()
        if len(parts) < 5 or not rest:
            continue
        mount_point = parts[4].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, rest.split()[0]
    return best_type


def refuse_network_file_system(folder: Path) -> None:
    """A StoreError of one line when `folder` is on a network file system."""
    kind = file_system_type(folder)
    if kind in NETWORK_TYPES:
        raise StoreError(
            f"{folder}: the store is on a network file system ({kind}), where SQLite's WAL mode cannot "
            "work and two processes could corrupt it; keep it on a local disk (--home, $WEARSYNC_HOME "
            "or storage.data_dir)"
        )
