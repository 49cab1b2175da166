"""The service's HTML pages: the staff console (``/console``) and the applicant portal
(``/portal``), rendered on the server, in Chinese, every legal step a plain form that
works without JavaScript."""
