"""Attachments on evidence entries: what may be uploaded (uploads.py), the forms, the
pages (views.py, urls.py) and the background virus check (tasks.py). The model is
``actionplan.models.Attachment``; access rules are in ``actionplan/access.py``."""
