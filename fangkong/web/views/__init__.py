"""Pages of the top-level web app, one module each: the workbench and the jurisdiction tree
with grid and building pages."""
