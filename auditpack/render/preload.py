"""Imported by the server that PDF workers are forked from (see
:func:`auditpack.render.workers.start_worker_server`), so that every worker starts with WeasyPrint
loaded; a module because the server can only be told module names."""

from .weasy import import_weasyprint

import_weasyprint()
