"""Pages of the core, one module each: staff management, the audit log, two-factor set-up
and API tokens (the workbench and the jurisdiction tree live in fangkong.web).

Each view checks access (`require`, `get_for`, `visible_to`), binds a form, calls an action,
and renders or redirects. htmx requests get the partial they swap.
"""
