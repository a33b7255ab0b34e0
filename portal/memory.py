"""A memory ceiling for a worker process (portal.celery sets it per child)."""

import logging
import resource

logger = logging.getLogger(__name__)


def mapped_mb() -> int:
    """The process's current virtual size (VmSize) in MB; 0 when unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def address_space_limit(*, budget_mb: int) -> int | None:
    """Limit the address space to what is mapped now plus ``budget_mb``.

    Relative to the start size because a Django process with its libraries
    maps several hundred MB it never touches; an absolute figure would be
    wrong on the next upgrade. Returns the limit in MB, None when off.
    """
    if budget_mb <= 0:
        return None
    limit_mb = mapped_mb() + budget_mb
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = limit_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    logger.info("Worker child address space limited to %d MB", wanted // 2**20)
    return wanted // 2**20
