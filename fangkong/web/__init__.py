"""The top-level web app: the pages that gather every app's work (the workbench, the
jurisdiction tree with its residents and households) and the navigation. It sits above every
domain app and may import any of them; nothing imports it but the project's URLconf."""
