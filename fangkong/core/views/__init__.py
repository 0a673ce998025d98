"""Pages of the core, one module each: the workbench, the jurisdiction tree with grid and
building pages, staff management and the audit log.

Each view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an action,
and renders or redirects. htmx requests get the partial they swap.
"""
