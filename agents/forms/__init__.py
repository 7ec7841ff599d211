"""Console forms: the schema-driven draft editor, the channel form and the eval case form."""
