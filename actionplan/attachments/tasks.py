"""Work done in the background by the worker (``manage.py db_worker``): the virus check
of an attachment, when a clamd daemon is configured (``CLAMD_SOCKET``). Until it has
been checked, a file is shown as "being checked" and cannot be downloaded."""

import logging

from django_tasks import task

from ..models import Attachment
from .uploads import ScanUnavailable, scan

logger = logging.getLogger(__name__)


@task()
def check_attachment(attachment_id):
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.scan != Attachment.Scan.CHECKING:
        return
    try:
        with attachment.file.open("rb") as stored:
            clean = scan(stored)
    except ScanUnavailable:
        logger.warning("Attachment %s could not be checked for viruses", attachment_id)
        attachment.record_scan(Attachment.Scan.FAILED)
        return
    attachment.record_scan(Attachment.Scan.CLEAN if clean else Attachment.Scan.INFECTED)
