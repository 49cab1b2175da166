"""The public portal without HTTP: the application form (Art. 29), submissions and their
confirmation by the office (Art. 31(3)), query codes, what an applicant sees of a case,
corrections and withdrawal online, files and the portal's rate limits.

The pages (``workflow.web.pages.portal_*``) and the console's intake
(``submissions_pages``) share these rules; modules are imported by their concept.
"""
