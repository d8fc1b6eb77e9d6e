"""The ``jobhunter`` command: the front door that wires core, etl and (later) the web app."""
