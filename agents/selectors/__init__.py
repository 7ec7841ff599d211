"""Reads, one module per area, each a fixed number of queries however much data
there is. Import the module: `from agents.selectors import versions`, then
`versions.version_list(agent)`."""
